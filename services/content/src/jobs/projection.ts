import type { ProjectDeleted, EventOf } from '@seren/contracts';
import { defineProjection } from '@seren/event-store';
import type { JobEvent } from './job.js';

/** `jobs`: the job read model (GET /jobs/{job_id}); a deleted project takes its jobs with it. */
export const jobsProjection = defineProjection<JobEvent | EventOf<[typeof ProjectDeleted]>>({
  name: 'jobs',
  handles: ['JobQueued', 'JobStarted', 'JobProgressed', 'JobCompleted', 'JobFailed', 'ProjectDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'JobQueued': {
        const d = event.data;
        await manager.query(
          `insert into jobs (id, user_id, project_id, job_type, status, progress, total_items, items_done,
                             workflow_id, created_at, updated_at)
           values ($1, $2, $3, $4, 'queued', 0, $5, 0, $6, $7, $7)`,
          [d.jobId, d.userId, d.projectId, d.jobType, d.totalItems, d.workflowId, d.queuedAt],
        );
        return;
      }
      case 'JobStarted':
        await manager.query(`update jobs set status = 'processing', updated_at = $2 where id = $1`, [
          event.data.jobId,
          event.data.startedAt,
        ]);
        return;
      case 'JobProgressed': {
        const d = event.data;
        await manager.query(
          `update jobs set status = 'processing', progress = $2, items_done = coalesce($3, items_done),
             total_items = coalesce($4, total_items), updated_at = $5 where id = $1`,
          [d.jobId, d.progress, d.itemsDone ?? null, d.totalItems ?? null, d.progressedAt],
        );
        return;
      }
      case 'JobCompleted':
        await manager.query(
          `update jobs set status = 'completed', progress = 100, result = $2, updated_at = $3 where id = $1`,
          [event.data.jobId, JSON.stringify(event.data.result), event.data.completedAt],
        );
        return;
      case 'JobFailed':
        await manager.query(
          `update jobs set status = 'failed', error_message = $2, result = $3, updated_at = $4 where id = $1`,
          [
            event.data.jobId,
            event.data.errorMessage,
            event.data.result === null ? null : JSON.stringify(event.data.result),
            event.data.failedAt,
          ],
        );
        return;
      case 'ProjectDeleted':
        await manager.query(`delete from jobs where project_id = $1`, [event.data.projectId]);
        return;
      default:
        return;
    }
  },
});
