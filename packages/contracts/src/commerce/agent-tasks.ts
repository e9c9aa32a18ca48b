import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI agent tasks (commerce service): a call to an agent publisher (`compute_type = agent`, an
// A2A endpoint) is a task, run by a Temporal workflow that sends the A2A message and follows the
// remote task. Stream `agent-task-<taskId>`, aggregate `agent_task` (topic `commerce.agent_task`).
// Each event of the stream is one task event of the REST API (`.../events`, `.../stream`), its
// stream version the event's sequence (the SSE `id:`). States are A2A's, in their JSON spelling.
// The charge (publisher's hourly rate, at least its minimum charge) is posted with the terminal
// event, in its transaction. Amounts are atomic units (USDC: 6 decimals) as decimal strings.

const id = z.string().min(1);
const at = z.iso.datetime();
const atomic = z.string().regex(/^\d+$/, 'an integer amount of atomic units');

/** One part of an A2A message or artifact, in A2A 0.3's JSON shape (`kind` discriminates). */
export const agentTaskPart = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('data'), data: z.unknown() }),
  z.object({
    kind: z.literal('file'),
    url: z.string(),
    filename: z.string().nullable(),
    mediaType: z.string().nullable(),
  }),
]);

export const agentTaskMessage = z.object({
  role: z.enum(['user', 'agent']),
  messageId: z.string(),
  parts: z.array(agentTaskPart),
});

/** States a task passes through before it ends (A2A's non-terminal states). */
export const agentTaskOpenStates = ['submitted', 'working', 'input-required', 'auth-required'] as const;
/** The states a task ends in. */
export const agentTaskTerminalStates = ['completed', 'failed', 'canceled', 'rejected'] as const;

export const AgentTaskCreated = defineEvent({
  type: 'AgentTaskCreated',
  version: 1,
  domain: 'commerce',
  aggregate: 'agent_task',
  description:
    "A caller started a task on an agent publisher: the message to send, the A2A endpoint and the publisher's pricing at that moment.",
  schema: z.object({
    taskId: id,
    publisherId: id,
    publisherSlug: id,
    /** the caller's organization: whose wallet pays, who may read and cancel the task */
    organizationId: id,
    agentId: id.nullable(),
    a2aEndpointUrl: z.string().url(),
    input: agentTaskMessage,
    asset: z.literal('USDC'),
    /** per hour of the task's run, atomic units; null when the publisher sets none */
    hourlyRateAtomic: atomic.nullable(),
    /** the least a charged task costs, atomic units; null when none */
    minChargeAtomic: atomic.nullable(),
    createdAt: at,
  }),
});

export const AgentTaskStatusChanged = defineEvent({
  type: 'AgentTaskStatusChanged',
  version: 1,
  domain: 'commerce',
  aggregate: 'agent_task',
  description: 'The remote agent reported a new, non-terminal status of the task (submitted, working, input-required, auth-required).',
  schema: z.object({
    taskId: id,
    remoteTaskId: id,
    contextId: z.string(),
    state: z.enum(agentTaskOpenStates),
    message: agentTaskMessage.nullable(),
    /** the remote's timestamp of the status, when it gave one */
    remoteAt: at.nullable(),
    at,
  }),
});

export const AgentTaskArtifactReceived = defineEvent({
  type: 'AgentTaskArtifactReceived',
  version: 1,
  domain: 'commerce',
  aggregate: 'agent_task',
  description: 'The remote agent produced an artifact of the task (or a chunk of one).',
  schema: z.object({
    taskId: id,
    artifactId: z.string(),
    name: z.string(),
    description: z.string(),
    parts: z.array(agentTaskPart),
    /** a chunk appended to the artifact of the same id */
    append: z.boolean(),
    lastChunk: z.boolean(),
    at,
  }),
});

export const AgentTaskFinished = defineEvent({
  type: 'AgentTaskFinished',
  version: 1,
  domain: 'commerce',
  aggregate: 'agent_task',
  description:
    'The task ended (completed, failed, canceled or rejected) and was charged: its run time at the hourly rate, at least the minimum charge; a failed or rejected task costs nothing.',
  schema: z.object({
    taskId: id,
    state: z.enum(agentTaskTerminalStates),
    remoteTaskId: id.nullable(),
    message: agentTaskMessage.nullable(),
    /** why it failed (the remote's message, an unreachable endpoint, ...); null otherwise */
    error: z.string().nullable(),
    /** who canceled it (a user or agent id) when the caller did */
    canceledBy: id.nullable(),
    /** from creation to the end, in milliseconds: what the hourly rate applies to */
    durationMs: z.number().int().nonnegative(),
    asset: z.literal('USDC'),
    /** what the wallet paid */
    costAtomic: atomic,
    /** what the price came to beyond the wallet's balance (not collected) */
    shortfallAtomic: atomic,
    /** the journal entry of the charge; null when nothing was charged */
    entryId: id.nullable(),
    at,
  }),
});

export const agentTaskEvents = [
  AgentTaskCreated,
  AgentTaskStatusChanged,
  AgentTaskArtifactReceived,
  AgentTaskFinished,
] as const;
