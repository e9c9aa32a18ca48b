import type { JobType } from '@seren/contracts';
import { eventMetadataOf, handle, requireAuthenticated, type RequestOrigin } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';
import type { Content } from '../application.js';
import { jobDecider, type JobCommand } from './decide.js';
import { jobStream } from './job.js';
import { findJob, type JobView } from './queries.js';

// The jobs API every content workflow reports through. The feature that accepts the work queues
// the job (in the same transaction as its own event); its workflow's activities then call
// startJob / reportJobProgress / completeJob / failJob, each appending one idempotent event to the
// job's stream, whose projection is the read model of GET /jobs/{job_id}. Nothing else writes jobs.

type Step = DistributiveOmit<Exclude<JobCommand, { type: 'QueueJob' }>, 'now'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const workflowActor = (jobType: string) => ({ actor: `workflow:${jobType}` });

export interface NewJob {
  jobId: string;
  userId: string;
  projectId: string;
  jobType: JobType;
  totalItems: number;
  workflowId: string;
}

/** Records a job as queued (status `queued`, progress 0), in `manager`'s transaction when given. */
export async function queueJob(
  content: Content,
  manager: EntityManager | undefined,
  job: NewJob,
  request: RequestOrigin,
): Promise<void> {
  await handle(
    content,
    manager,
    jobStream(job.jobId),
    jobDecider,
    { type: 'QueueJob', ...job, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
}

async function step(content: Content, jobId: string, jobType: string, command: Step): Promise<void> {
  await handle(
    content,
    undefined,
    jobStream(jobId),
    jobDecider,
    { ...command, now: content.now().toISOString() } as JobCommand,
    { ...workflowActor(jobType), correlationId: jobId },
  );
}

/** queued → processing (no-op once started or finished). */
export const startJob = (content: Content, jobId: string, jobType: JobType) =>
  step(content, jobId, jobType, { type: 'StartJob' });

/**
 * Progress in percent, kept below 100 until the job completes and never moved backwards;
 * `itemsDone`/`totalItems` for jobs of several items (bulk generation).
 */
export const reportJobProgress = (
  content: Content,
  jobId: string,
  jobType: JobType,
  progress: { progress: number; itemsDone?: number; totalItems?: number },
) => step(content, jobId, jobType, { type: 'ReportJobProgress', ...progress });

/** processing → completed with progress 100 and the job's `result` (e.g. `{ post_id }`). */
export const completeJob = (
  content: Content,
  jobId: string,
  jobType: JobType,
  result: Record<string, unknown>,
) => step(content, jobId, jobType, { type: 'CompleteJob', result });

/** → failed with `error_message` (and a partial `result` where some items succeeded). */
export const failJob = (
  content: Content,
  jobId: string,
  jobType: JobType,
  errorMessage: string,
  result?: Record<string, unknown> | null,
) => step(content, jobId, jobType, { type: 'FailJob', errorMessage, result });

/** GET /jobs/{job_id}: the caller's job, else 404 (another user's job included). */
export async function getJob(content: Content, request: RequestOrigin, jobId: string): Promise<JobView> {
  requireAuthenticated(request.caller);
  const job = await findJob(content, request.caller.subject, jobId);
  if (!job) throw notFound('job');
  return job;
}
