import type { AgentTaskEventView } from './queries.js';

/** A task event as the REST API shows it: the body `.../events` lists and `.../stream` sends. */
export interface AgentTaskEventBody {
  task_id: string;
  sequence: number;
  event_type: string;
  status: string;
  data: Record<string, unknown>;
  created_at: string;
}

export function agentTaskEventBody(event: AgentTaskEventView): AgentTaskEventBody {
  return {
    task_id: event.taskId,
    sequence: event.sequence,
    event_type: event.eventType,
    status: event.status,
    data: snakeKeys(event.data) as Record<string, unknown>,
    created_at: event.createdAt,
  };
}

/** The event's data in the REST API's spelling (snake_case keys, at every depth, except inside a `data` value). */
export function snakeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(snakeKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
      key === 'data' ? inner : snakeKeys(inner),
    ]),
  );
}

/** PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more; a bigger event is announced by its id only. */
const MAX_NOTIFY_BYTES = 7_900;

/** What the projection NOTIFYs: the event's body when it fits, else `<task id>:<sequence>` (streams read it). */
export function notificationOf(body: AgentTaskEventBody): string {
  const json = JSON.stringify(body);
  return Buffer.byteLength(json) < MAX_NOTIFY_BYTES ? json : `${body.task_id}:${body.sequence}`;
}

/** A notification back: the event's body, or only whose it is (then the stream reads it). */
export function parseNotification(
  payload: string,
): { taskId: string; body: AgentTaskEventBody | null } | null {
  if (payload.startsWith('{')) {
    const body = JSON.parse(payload) as AgentTaskEventBody;
    return { taskId: body.task_id, body };
  }
  const taskId = payload.split(':')[0];
  return taskId ? { taskId, body: null } : null;
}

export const frameOf = (body: AgentTaskEventBody) =>
  `id: ${body.sequence}\nevent: ${body.event_type}\ndata: ${JSON.stringify(body)}\n\n`;
