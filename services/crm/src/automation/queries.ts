import type { ExecutionStatus } from '@seren/contracts';
import type { ApplicationContext } from '@seren/service-kit';
import { afterCursorSql, pageResult, type CursorPage, type ListMeta } from '../pagination.js';
import type { Step, Trigger } from './steps.js';

/** A workflow definition as answered: the draft's trigger and steps, the published version number. */
export interface WorkflowView {
  id: string;
  locationId: string;
  name: string;
  status: 'draft' | 'published';
  /** the last published version (0: never published) */
  version: number;
  trigger: Trigger;
  steps: Step[];
  createdAt: string;
  updatedAt: string;
}

interface WorkflowRow {
  id: string;
  location_id: string;
  name: string;
  status: 'draft' | 'published';
  version: number;
  trigger: Trigger;
  steps: Step[];
  created_at: Date;
  updated_at: Date;
}

const toWorkflow = (row: WorkflowRow): WorkflowView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  status: row.status,
  version: row.version,
  trigger: row.trigger,
  steps: row.steps,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's workflows, newest first (HighLevel's GET /workflows is not paginated). */
export async function workflowsOf(app: ApplicationContext, locationId: string): Promise<WorkflowView[]> {
  const rows: WorkflowRow[] = await app.dataSource.query(
    `select * from workflows where location_id = $1 order by created_at desc, id desc limit 1000`,
    [locationId],
  );
  return rows.map(toWorkflow);
}

export async function findWorkflow(
  app: ApplicationContext,
  locationId: string,
  workflowId: string,
): Promise<WorkflowView | undefined> {
  const rows: WorkflowRow[] = await app.dataSource.query(
    `select * from workflows where id = $1 and location_id = $2`,
    [workflowId, locationId],
  );
  return rows[0] && toWorkflow(rows[0]);
}

/** A published version's definition: what an execution of it runs. */
export async function workflowVersion(
  app: ApplicationContext,
  workflowId: string,
  version: number,
): Promise<{ trigger: Trigger; steps: Step[] } | undefined> {
  const rows: { trigger: Trigger; steps: Step[] }[] = await app.dataSource.query(
    `select trigger, steps from workflow_versions where workflow_id = $1 and version = $2`,
    [workflowId, version],
  );
  return rows[0];
}

/** The location's published workflows a trigger type starts (with their published trigger and steps). */
export async function publishedWorkflowsFor(
  app: ApplicationContext,
  locationId: string,
  triggerType: string,
): Promise<{ id: string; version: number; trigger: Trigger; steps: Step[] }[]> {
  return app.dataSource.query(
    `select w.id, w.version, v.trigger, v.steps from workflows w
       join workflow_versions v on v.workflow_id = w.id and v.version = w.version
      where w.location_id = $1 and w.trigger_type = $2 and w.status = 'published'`,
    [locationId, triggerType],
  );
}

export interface ExecutionStepView {
  position: number;
  stepIndex: number;
  stepType: string;
  outcome: 'succeeded' | 'failed' | 'skipped';
  detail: Record<string, unknown>;
  recordedAt: string;
}

export interface ExecutionView {
  id: string;
  workflowId: string;
  locationId: string;
  contactId: string;
  workflowVersion: number;
  status: ExecutionStatus;
  trigger: string;
  triggerEventId: string | null;
  currentStep: number | null;
  waitingUntil: string | null;
  error: string | null;
  startedAt: string;
  updatedAt: string;
  endedAt: string | null;
}

interface ExecutionRow {
  id: string;
  workflow_id: string;
  location_id: string;
  contact_id: string;
  workflow_version: number;
  status: ExecutionStatus;
  trigger: string;
  trigger_event_id: string | null;
  current_step: number | null;
  waiting_until: Date | null;
  error: string | null;
  started_at: Date;
  updated_at: Date;
  ended_at: Date | null;
}

const toExecution = (row: ExecutionRow): ExecutionView => ({
  id: row.id,
  workflowId: row.workflow_id,
  locationId: row.location_id,
  contactId: row.contact_id,
  workflowVersion: row.workflow_version,
  status: row.status,
  trigger: row.trigger,
  triggerEventId: row.trigger_event_id,
  currentStep: row.current_step,
  waitingUntil: row.waiting_until?.toISOString() ?? null,
  error: row.error,
  startedAt: row.started_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  endedAt: row.ended_at?.toISOString() ?? null,
});

export async function findExecution(
  app: ApplicationContext,
  locationId: string,
  executionId: string,
): Promise<ExecutionView | undefined> {
  const rows: ExecutionRow[] = await app.dataSource.query(
    `select * from workflow_executions where id = $1 and location_id = $2`,
    [executionId, locationId],
  );
  return rows[0] && toExecution(rows[0]);
}

export async function executionSteps(
  app: ApplicationContext,
  executionId: string,
): Promise<ExecutionStepView[]> {
  const rows: {
    position: number;
    step_index: number;
    step_type: string;
    outcome: ExecutionStepView['outcome'];
    detail: Record<string, unknown>;
    recorded_at: Date;
  }[] = await app.dataSource.query(
    `select * from workflow_execution_steps where execution_id = $1 order by position`,
    [executionId],
  );
  return rows.map((r) => ({
    position: r.position,
    stepIndex: r.step_index,
    stepType: r.step_type,
    outcome: r.outcome,
    detail: r.detail,
    recordedAt: r.recorded_at.toISOString(),
  }));
}

/** The executions of a contact in a workflow that have not ended (what removing the contact cancels). */
export async function liveExecutionsOf(
  app: ApplicationContext,
  locationId: string,
  workflowId: string,
  contactId: string,
): Promise<string[]> {
  const rows: { id: string }[] = await app.dataSource.query(
    `select id from workflow_executions where location_id = $1 and workflow_id = $2 and contact_id = $3 and ended_at is null`,
    [locationId, workflowId, contactId],
  );
  return rows.map((r) => r.id);
}

export interface ExecutionFilter {
  workflowId?: string | null;
  contactId?: string | null;
  status?: ExecutionStatus | null;
  /** started at or after */
  startedFrom?: Date | null;
  /** started before */
  startedTo?: Date | null;
}

/** A page of the location's executions, newest first, by HighLevel's cursor. */
export async function listExecutions(
  app: ApplicationContext,
  locationId: string,
  filter: ExecutionFilter,
  page: CursorPage,
): Promise<{ items: ExecutionView[]; meta: ListMeta }> {
  const where = ['location_id = $1'];
  const params: unknown[] = [locationId];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.workflowId) add((n) => `workflow_id = $${n}`, filter.workflowId);
  if (filter.contactId) add((n) => `contact_id = $${n}`, filter.contactId);
  if (filter.status) add((n) => `status = $${n}`, filter.status);
  if (filter.startedFrom) add((n) => `started_at >= $${n}`, filter.startedFrom);
  if (filter.startedTo) add((n) => `started_at < $${n}`, filter.startedTo);
  const filtered = where.join(' and ');
  const counted = [...params];
  const cursor = afterCursorSql(
    page,
    { time: 'started_at', id: 'id', table: 'workflow_executions' },
    params.length + 1,
  );
  params.push(...cursor.params, page.limit + 1);
  const [rows, count] = await Promise.all([
    app.dataSource.query(
      `select * from workflow_executions where ${filtered} and ${cursor.sql}
        order by started_at desc, id desc limit $${params.length}`,
      params,
    ) as Promise<ExecutionRow[]>,
    app.dataSource.query(
      `select count(*)::int as total from workflow_executions where ${filtered}`,
      counted,
    ) as Promise<{ total: number }[]>,
  ]);
  const result = pageResult(page, rows, count[0]!.total, (row) => ({ at: row.started_at, id: row.id }));
  return { items: result.items.map(toExecution), meta: result.meta };
}
