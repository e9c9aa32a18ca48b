import type { EntityManager } from 'typeorm';
import type { AgentTaskMessage, AgentTaskPart, AgentTaskStatus } from './task.js';

export interface AgentTaskArtifact {
  artifactId: string;
  name: string;
  description: string;
  parts: AgentTaskPart[];
}

/** A task as the API shows it (the `agent_tasks` read model). Amounts are atomic units. */
export interface AgentTaskView {
  id: string;
  organizationId: string;
  agentId: string | null;
  publisherId: string;
  publisherSlug: string;
  status: AgentTaskStatus;
  remoteTaskId: string | null;
  contextId: string | null;
  input: AgentTaskMessage;
  /** the last status message of the agent */
  statusMessage: AgentTaskMessage | null;
  artifacts: AgentTaskArtifact[];
  error: string | null;
  asset: 'USDC';
  hourlyRateAtomic: bigint | null;
  minChargeAtomic: bigint | null;
  costAtomic: bigint;
  shortfallAtomic: bigint;
  durationMs: number | null;
  canceledBy: string | null;
  /** the sequence of its last event (what a stream has seen when it has this one) */
  lastSequence: number;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface AgentTaskEventView {
  taskId: string;
  /** the event's place in the task's history, from 1: the SSE `id:` */
  sequence: number;
  /** created, status, artifact, finished */
  eventType: string;
  /** the task's status after this event */
  status: AgentTaskStatus;
  data: Record<string, unknown>;
  createdAt: string;
}

interface TaskRow {
  id: string;
  organization_id: string;
  agent_id: string | null;
  publisher_id: string;
  publisher_slug: string;
  status: AgentTaskStatus;
  remote_task_id: string | null;
  context_id: string | null;
  input: AgentTaskMessage;
  status_message: AgentTaskMessage | null;
  artifacts: AgentTaskArtifact[];
  error: string | null;
  asset: 'USDC';
  hourly_rate_atomic: string | null;
  min_charge_atomic: string | null;
  cost_atomic: string;
  shortfall_atomic: string;
  duration_ms: string | null;
  canceled_by: string | null;
  last_sequence: number;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

const taskOf = (r: TaskRow): AgentTaskView => ({
  id: r.id,
  organizationId: r.organization_id,
  agentId: r.agent_id,
  publisherId: r.publisher_id,
  publisherSlug: r.publisher_slug,
  status: r.status,
  remoteTaskId: r.remote_task_id,
  contextId: r.context_id,
  input: r.input,
  statusMessage: r.status_message,
  artifacts: r.artifacts,
  error: r.error,
  asset: r.asset,
  hourlyRateAtomic: r.hourly_rate_atomic === null ? null : BigInt(r.hourly_rate_atomic),
  minChargeAtomic: r.min_charge_atomic === null ? null : BigInt(r.min_charge_atomic),
  costAtomic: BigInt(r.cost_atomic),
  shortfallAtomic: BigInt(r.shortfall_atomic),
  durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  canceledBy: r.canceled_by,
  lastSequence: r.last_sequence,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

const COLUMNS = `id, organization_id, agent_id, publisher_id, publisher_slug, status, remote_task_id, context_id, input,
  status_message, artifacts, error, asset, hourly_rate_atomic::text, min_charge_atomic::text, cost_atomic::text,
  shortfall_atomic::text, duration_ms::text, canceled_by, last_sequence, created_at, updated_at, finished_at`;

export async function agentTaskOf(
  manager: EntityManager,
  taskId: string,
): Promise<AgentTaskView | undefined> {
  if (!UUID.test(taskId)) return undefined;
  const rows: TaskRow[] = await manager.query(`select ${COLUMNS} from agent_tasks where id = $1`, [taskId]);
  return rows[0] ? taskOf(rows[0]) : undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The organization's tasks, newest first, and how many it has. */
export async function agentTasksOf(
  manager: EntityManager,
  organizationId: string,
  page: { limit: number; offset: number },
): Promise<{ tasks: AgentTaskView[]; total: number }> {
  const [rows, count]: [TaskRow[], { total: string }[]] = await Promise.all([
    manager.query(
      `select ${COLUMNS} from agent_tasks where organization_id = $1 order by created_at desc, id desc limit $2 offset $3`,
      [organizationId, page.limit, page.offset],
    ),
    manager.query(`select count(*)::text as total from agent_tasks where organization_id = $1`, [
      organizationId,
    ]),
  ]);
  return { tasks: rows.map(taskOf), total: Number(count[0]?.total ?? 0) };
}

interface EventRow {
  task_id: string;
  sequence: number;
  event_type: string;
  status: AgentTaskStatus;
  data: Record<string, unknown>;
  created_at: Date;
}

const eventOf = (r: EventRow): AgentTaskEventView => ({
  taskId: r.task_id,
  sequence: r.sequence,
  eventType: r.event_type,
  status: r.status,
  data: r.data,
  createdAt: r.created_at.toISOString(),
});

/** The task's events after `afterSequence`, in order (at most `limit`). */
export async function agentTaskEventsOf(
  manager: EntityManager,
  taskId: string,
  afterSequence = 0,
  limit = 1000,
): Promise<AgentTaskEventView[]> {
  const rows: EventRow[] = await manager.query(
    `select task_id, sequence, event_type, status, data, created_at from agent_task_events
     where task_id = $1 and sequence > $2 order by sequence limit $3`,
    [taskId, afterSequence, limit],
  );
  return rows.map(eventOf);
}
