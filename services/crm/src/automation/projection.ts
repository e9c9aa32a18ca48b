import { defineProjection } from '@seren/event-store';
import type { ExecutionEvent } from './execution.js';
import type { WorkflowEvent } from './workflow.js';

/** `workflows` and `workflow_versions`: each location's definitions, the draft and every published version. */
export const workflowsProjection = defineProjection<WorkflowEvent>({
  name: 'workflows',
  handles: [
    'WorkflowCreated',
    'WorkflowUpdated',
    'WorkflowPublished',
    'WorkflowUnpublished',
    'WorkflowDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'WorkflowCreated': {
        const d = event.data;
        await manager.query(
          `insert into workflows (id, location_id, name, status, version, trigger, steps, created_at, updated_at)
           values ($1, $2, $3, 'draft', 0, $4, $5, $6, $6)`,
          [
            d.workflowId,
            d.locationId,
            d.name,
            JSON.stringify(d.trigger),
            JSON.stringify(d.steps),
            d.createdAt,
          ],
        );
        return;
      }
      case 'WorkflowUpdated': {
        const d = event.data;
        await manager.query(
          `update workflows set name = coalesce($2, name), trigger = coalesce($3, trigger), steps = coalesce($4, steps),
             updated_at = $5 where id = $1`,
          [
            d.workflowId,
            d.name ?? null,
            d.trigger ? JSON.stringify(d.trigger) : null,
            d.steps ? JSON.stringify(d.steps) : null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'WorkflowPublished': {
        const d = event.data;
        await manager.query(
          `update workflows set status = 'published', version = $2, trigger_type = $3, updated_at = $4 where id = $1`,
          [d.workflowId, d.version, String(d.trigger.type), d.publishedAt],
        );
        await manager.query(
          `insert into workflow_versions (workflow_id, version, trigger, steps, published_at) values ($1, $2, $3, $4, $5)`,
          [d.workflowId, d.version, JSON.stringify(d.trigger), JSON.stringify(d.steps), d.publishedAt],
        );
        return;
      }
      case 'WorkflowUnpublished':
        await manager.query(`update workflows set status = 'draft', updated_at = $2 where id = $1`, [
          event.data.workflowId,
          event.data.unpublishedAt,
        ]);
        return;
      case 'WorkflowDeleted':
        await manager.query(`delete from workflows where id = $1`, [event.data.workflowId]);
        return;
      default:
        return;
    }
  },
});

/** `workflow_executions` and `workflow_execution_steps`: each execution's status and its step log. */
export const executionsProjection = defineProjection<ExecutionEvent>({
  name: 'workflow_executions',
  handles: [
    'ExecutionStarted',
    'ExecutionStepRecorded',
    'ExecutionWaitStarted',
    'ExecutionResumed',
    'ExecutionCompleted',
    'ExecutionFailed',
    'ExecutionCancelled',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ExecutionStarted': {
        const d = event.data;
        await manager.query(
          `insert into workflow_executions (id, workflow_id, location_id, contact_id, workflow_version, status, trigger,
             trigger_event_id, trigger_data, started_at, updated_at)
           values ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $9)`,
          [
            d.executionId,
            d.workflowId,
            d.locationId,
            d.contactId,
            d.workflowVersion,
            d.trigger,
            d.triggerEventId,
            JSON.stringify(d.triggerData),
            d.startedAt,
          ],
        );
        return;
      }
      case 'ExecutionStepRecorded': {
        const d = event.data;
        await manager.query(
          `insert into workflow_execution_steps (execution_id, position, step_index, step_type, outcome, detail, recorded_at)
           values ($1, (select count(*) from workflow_execution_steps where execution_id = $1), $2, $3, $4, $5, $6)`,
          [d.executionId, d.stepIndex, d.stepType, d.outcome, JSON.stringify(d.detail), d.recordedAt],
        );
        await manager.query(
          `update workflow_executions set current_step = $2, updated_at = $3 where id = $1`,
          [d.executionId, d.stepIndex, d.recordedAt],
        );
        return;
      }
      case 'ExecutionWaitStarted': {
        const d = event.data;
        await manager.query(
          `update workflow_executions set status = 'waiting', current_step = $2, waiting_until = $3, updated_at = $4 where id = $1`,
          [d.executionId, d.stepIndex, d.until, d.waitingSince],
        );
        return;
      }
      case 'ExecutionResumed':
        await manager.query(
          `update workflow_executions set status = 'running', waiting_until = null, updated_at = $2 where id = $1`,
          [event.data.executionId, event.data.resumedAt],
        );
        return;
      case 'ExecutionCompleted':
        await end(manager, event.data.executionId, 'completed', event.data.completedAt, null);
        return;
      case 'ExecutionFailed':
        await end(manager, event.data.executionId, 'failed', event.data.failedAt, event.data.error);
        return;
      case 'ExecutionCancelled':
        await end(manager, event.data.executionId, 'cancelled', event.data.cancelledAt, null);
        return;
      default:
        return;
    }
  },
});

async function end(
  manager: { query: (sql: string, parameters: unknown[]) => Promise<unknown> },
  executionId: string,
  status: string,
  at: string,
  error: string | null,
) {
  await manager.query(
    `update workflow_executions set status = $2, waiting_until = null, error = $4, updated_at = $3, ended_at = $3 where id = $1`,
    [executionId, status, at, error],
  );
}
