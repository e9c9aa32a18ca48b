import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { literal } from '../../mapping.js';
import { usdcDecimal } from './publisher-charge.js';

// SerenAI's agent task (the spec's AgentTask, "tracks a single agent invocation lifecycle", whose
// fields it leaves open) and its events (AgentTaskEvent). Amounts in USDC atomic units as integers
// and as the spec's decimal strings. The message, artifacts and event data are JSON the agent gave:
// their keys are shown snake_case, the values inside a `data` part as the agent sent them.

export const AgentTaskFields = graphql(`
  fragment AgentTaskFields on AgentTask {
    id
    organizationId
    agentId
    publisherId
    publisherSlug
    status
    remoteTaskId
    contextId
    input
    statusMessage
    artifacts
    error
    assetSymbol
    hourlyRateAtomic
    minChargeAtomic
    costAtomic
    shortfallAtomic
    durationMs
    canceledBy
    lastSequence
    createdAt
    updatedAt
    finishedAt
  }
`);

export const AgentTaskEventFields = graphql(`
  fragment AgentTaskEventFields on AgentTaskEvent {
    taskId
    sequence
    eventType
    status
    data
    createdAt
  }
`);

const statuses = [
  'submitted',
  'working',
  'input-required',
  'auth-required',
  'completed',
  'failed',
  'canceled',
  'rejected',
] as const;
const eventTypes = ['created', 'status', 'artifact', 'finished'] as const;
const taskStatus = z.enum(statuses);
const json = z.record(z.string(), z.unknown());

export const agentTaskSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  agent_id: z.string().nullable(),
  publisher_id: z.string(),
  publisher_slug: z.string(),
  status: taskStatus,
  remote_task_id: z.string().nullable().describe("the agent's own id of the task (A2A)"),
  context_id: z.string().nullable(),
  input: json.describe('the message sent: {role, message_id, parts: [{kind: text|data|file, ...}]}'),
  status_message: json.nullable().describe("the agent's last status message"),
  artifacts: z.array(json).describe('{artifact_id, name, description, parts}'),
  error: z.string().nullable(),
  asset_symbol: z.string(),
  hourly_rate: z.string().nullable(),
  min_charge: z.string().nullable(),
  cost: z.string().describe('what the wallet paid'),
  cost_atomic: z.number().int(),
  shortfall_atomic: z
    .number()
    .int()
    .describe("what the price came to beyond the wallet's balance (not collected)"),
  duration_ms: z.number().int().nullable(),
  canceled_by: z.string().nullable(),
  last_sequence: z.number().int().describe('the sequence of its last event (the SSE id)'),
  created_at: z.string(),
  updated_at: z.string(),
  finished_at: z.string().nullable(),
});

export const agentTaskEventSchema = z.object({
  task_id: z.string(),
  sequence: z.number().int().describe('from 1, in order: the id of the event on the stream'),
  event_type: z.enum(eventTypes),
  status: taskStatus.describe("the task's status after the event"),
  data: json,
  created_at: z.string(),
});

/** JSON in the REST API's spelling: snake_case keys at every depth, except inside a `data` value. */
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

const object = (value: unknown) => snakeKeys(value) as Record<string, unknown>;

export function agentTaskToRest(ref: FragmentOf<typeof AgentTaskFields>): z.input<typeof agentTaskSchema> {
  const t = readFragment(AgentTaskFields, ref);
  return {
    id: t.id,
    organization_id: t.organizationId,
    agent_id: t.agentId,
    publisher_id: t.publisherId,
    publisher_slug: t.publisherSlug,
    status: literal(t.status, statuses),
    remote_task_id: t.remoteTaskId,
    context_id: t.contextId,
    input: object(t.input),
    status_message: t.statusMessage === null ? null : object(t.statusMessage),
    artifacts: (t.artifacts as unknown[]).map(object),
    error: t.error,
    asset_symbol: t.assetSymbol,
    hourly_rate: t.hourlyRateAtomic === null ? null : usdcDecimal(t.hourlyRateAtomic),
    min_charge: t.minChargeAtomic === null ? null : usdcDecimal(t.minChargeAtomic),
    cost: usdcDecimal(t.costAtomic),
    cost_atomic: Number(t.costAtomic),
    shortfall_atomic: Number(t.shortfallAtomic),
    duration_ms: t.durationMs === null ? null : Math.round(t.durationMs),
    canceled_by: t.canceledBy,
    last_sequence: t.lastSequence,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
    finished_at: t.finishedAt,
  };
}

export function agentTaskEventToRest(
  ref: FragmentOf<typeof AgentTaskEventFields>,
): z.input<typeof agentTaskEventSchema> {
  const e = readFragment(AgentTaskEventFields, ref);
  return {
    task_id: e.taskId,
    sequence: e.sequence,
    event_type: literal(e.eventType, eventTypes),
    status: literal(e.status, statuses),
    data: object(e.data),
    created_at: e.createdAt,
  };
}
