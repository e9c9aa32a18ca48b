import { agentTaskErrors } from './decide.js';
import type { AgentTaskMessage, AgentTaskPart } from './task.js';

const MAX_INPUT_BYTES = 256 * 1024;

function partOf(value: unknown): AgentTaskPart {
  if (typeof value === 'string') return { kind: 'text', text: value };
  if (value && typeof value === 'object') {
    const p = value as Record<string, unknown>;
    if (typeof p.text === 'string') return { kind: 'text', text: p.text };
    if ('data' in p) return { kind: 'data', data: p.data ?? null };
    const file = (p.file && typeof p.file === 'object' ? p.file : p) as Record<string, unknown>;
    const url = file.url ?? file.uri;
    if (typeof url === 'string')
      return {
        kind: 'file',
        url,
        filename:
          typeof file.name === 'string'
            ? file.name
            : typeof file.filename === 'string'
              ? file.filename
              : null,
        mediaType:
          typeof file.mimeType === 'string'
            ? file.mimeType
            : typeof file.mediaType === 'string'
              ? file.mediaType
              : null,
      };
  }
  throw agentTaskErrors.validationError('each message part needs text, data or a file url', {
    field: 'parts',
  });
}

/**
 * The message a root call to an agent publisher sends (`POST /publishers/{slug}`, whose body the
 * spec leaves open): a string is one text part; `{parts: [...]}` (A2A's parts: `{text}`, `{data}`,
 * `{file: {uri}}`, with or without `kind`) or `{message: {parts}}` is taken as it is; `{message}`,
 * `{text}`, `{query}`, `{prompt}` or `{input}` as a string is one text part; any other JSON is one
 * data part. 400 for an empty body or one over 256 KiB.
 */
export function inputMessageOf(body: unknown): AgentTaskMessage {
  if (body === undefined || body === null || body === '')
    throw agentTaskErrors.validationError('the message to the agent is missing', { field: 'message' });
  if (JSON.stringify(body).length > MAX_INPUT_BYTES)
    throw agentTaskErrors.validationError('the message to the agent is over 256 KiB', { field: 'message' });
  const parts = partsOf(body);
  if (parts.length === 0)
    throw agentTaskErrors.validationError('the message to the agent has no parts', { field: 'parts' });
  return { role: 'user', messageId: 'input', parts };
}

function partsOf(body: unknown): AgentTaskPart[] {
  if (typeof body === 'string') return [{ kind: 'text', text: body }];
  if (Array.isArray(body)) return body.map(partOf);
  if (typeof body !== 'object' || body === null) return [{ kind: 'data', data: body }];
  const b = body as Record<string, unknown>;
  if (Array.isArray(b.parts)) return b.parts.map(partOf);
  if (b.message && typeof b.message === 'object') return partsOf(b.message);
  for (const key of ['message', 'text', 'query', 'prompt', 'input'])
    if (typeof b[key] === 'string') return [{ kind: 'text', text: b[key] }];
  return [{ kind: 'data', data: body }];
}
