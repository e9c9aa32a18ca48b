// The A2A side of agent tasks: the official @a2a-js/sdk client (JSON-RPC or HTTP+JSON, as the
// agent card offers), every request through the shared outbound guard, and the mapping between
// A2A's protocol types and the task's recorded shapes (A2A 0.3's JSON spelling, `kind` parts).
import { Role, TaskState, type Message, type Part } from '@a2a-js/sdk';
import {
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
  type Client,
} from '@a2a-js/sdk/client';
import { outboundFetch, type OutboundPolicy } from '@seren/outbound';
import type { AgentTaskMessage, AgentTaskPart, AgentTaskStatus } from './task.js';

export interface A2aSettings {
  policy: OutboundPolicy;
  /** how long one request (or one followed stream) may take */
  timeoutMs: number;
}

/** What the publisher's agent is called with: its upstream headers and key (never logged). */
export interface A2aCredentials {
  headers: Record<string, string>;
  query: Record<string, string>;
}

export const noCredentials: A2aCredentials = { headers: {}, query: {} };

/**
 * fetch for the SDK: the outbound guard (private addresses refused, checked at connect time, no
 * redirects), with the publisher's credentials on every request (the card's and the calls').
 */
function guardedFetch(settings: A2aSettings, credentials: A2aCredentials): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    for (const [name, value] of Object.entries(credentials.query)) url.searchParams.set(name, value);
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(credentials.headers)) headers.set(name, value);
    return outboundFetch(
      url,
      {
        ...(init as object),
        headers: Object.fromEntries(headers),
        timeoutMs: settings.timeoutMs,
        field: 'a2a_endpoint_url',
      },
      settings.policy,
    );
  }) as unknown as typeof fetch;
}

/** A client of the agent at `endpoint` (its card at `/.well-known/agent-card.json` under it). */
export async function a2aClientOf(
  endpoint: string,
  settings: A2aSettings,
  credentials: A2aCredentials = noCredentials,
): Promise<Client> {
  const fetchImpl = guardedFetch(settings, credentials);
  const factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [new JsonRpcTransportFactory({ fetchImpl }), new RestTransportFactory({ fetchImpl })],
      cardResolver: new DefaultAgentCardResolver({ fetchImpl }),
    }),
  );
  return factory.createFromUrl(endpoint);
}

const STATES: Partial<Record<TaskState, AgentTaskStatus>> = {
  [TaskState.TASK_STATE_SUBMITTED]: 'submitted',
  [TaskState.TASK_STATE_WORKING]: 'working',
  [TaskState.TASK_STATE_INPUT_REQUIRED]: 'input-required',
  [TaskState.TASK_STATE_AUTH_REQUIRED]: 'auth-required',
  [TaskState.TASK_STATE_COMPLETED]: 'completed',
  [TaskState.TASK_STATE_FAILED]: 'failed',
  [TaskState.TASK_STATE_CANCELED]: 'canceled',
  [TaskState.TASK_STATE_REJECTED]: 'rejected',
};

/** A2A's state in its JSON spelling; an unspecified or unknown one is treated as still working. */
export const statusOf = (state: TaskState | undefined): AgentTaskStatus =>
  (state === undefined ? undefined : STATES[state]) ?? 'working';

export function partOf(part: Part): AgentTaskPart {
  const content = part.content;
  switch (content?.$case) {
    case 'text':
      return { kind: 'text', text: content.value };
    case 'data':
      return { kind: 'data', data: content.value ?? null };
    case 'url':
      return {
        kind: 'file',
        url: content.value,
        filename: part.filename || null,
        mediaType: part.mediaType || null,
      };
    case 'raw':
      return {
        kind: 'file',
        url: `data:${part.mediaType || 'application/octet-stream'};base64,${Buffer.from(content.value).toString('base64')}`,
        filename: part.filename || null,
        mediaType: part.mediaType || null,
      };
    default:
      return { kind: 'data', data: null };
  }
}

export function messageOf(message: Message | undefined): AgentTaskMessage | null {
  if (!message) return null;
  return {
    role: message.role === Role.ROLE_USER ? 'user' : 'agent',
    messageId: message.messageId,
    parts: message.parts.map(partOf),
  };
}

function toPart(part: AgentTaskPart): Part {
  switch (part.kind) {
    case 'text':
      return {
        content: { $case: 'text', value: part.text },
        metadata: undefined,
        filename: '',
        mediaType: 'text/plain',
      };
    case 'data':
      return {
        content: { $case: 'data', value: part.data },
        metadata: undefined,
        filename: '',
        mediaType: 'application/json',
      };
    case 'file':
      return {
        content: { $case: 'url', value: part.url },
        metadata: undefined,
        filename: part.filename ?? '',
        mediaType: part.mediaType ?? '',
      };
  }
}

/** The A2A message a task sends: its id is the task's, so the agent sees one message however often it is retried. */
export function a2aMessageOf(taskId: string, input: AgentTaskMessage): Message {
  return {
    messageId: taskId,
    contextId: '',
    taskId: '',
    role: Role.ROLE_USER,
    parts: input.parts.map(toPart),
    metadata: {},
    extensions: [],
    referenceTaskIds: [],
  };
}
