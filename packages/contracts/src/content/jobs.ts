import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo jobs: the read model of long-running work (content_generation, document_parsing,
// bulk_generation). Stream `job-<id>`, aggregate `job`. Only workflow activities append the events
// after JobQueued; the job's REST/GraphQL view is their projection.

const id = z.string().min(1);
const at = z.iso.datetime();

export const jobTypes = ['content_generation', 'document_parsing', 'bulk_generation'] as const;
export type JobType = (typeof jobTypes)[number];

/** What a finished job reports: free-form per job type (e.g. `{ post_id }`, `{ source_id }`). */
export const jobResult = z.record(z.string(), z.unknown());

export const JobQueued = defineEvent({
  type: 'JobQueued',
  version: 1,
  domain: 'content',
  aggregate: 'job',
  description: 'Long-running work was accepted and waits for its workflow.',
  schema: z.object({
    jobId: id,
    userId: id,
    projectId: id,
    jobType: z.enum(jobTypes),
    totalItems: z.number().int().min(0),
    /** the Temporal workflow that runs it (cancelled with its project) */
    workflowId: id,
    queuedAt: at,
  }),
});

export const JobStarted = defineEvent({
  type: 'JobStarted',
  version: 1,
  domain: 'content',
  aggregate: 'job',
  description: "The job's workflow began its first step.",
  schema: z.object({ jobId: id, startedAt: at }),
});

export const JobProgressed = defineEvent({
  type: 'JobProgressed',
  version: 1,
  domain: 'content',
  aggregate: 'job',
  description: 'The job moved forward: progress in percent (never backwards), items done of total_items.',
  schema: z.object({
    jobId: id,
    progress: z.number().int().min(0).max(100),
    itemsDone: z.number().int().min(0).optional(),
    totalItems: z.number().int().min(0).optional(),
    progressedAt: at,
  }),
});

export const JobCompleted = defineEvent({
  type: 'JobCompleted',
  version: 1,
  domain: 'content',
  aggregate: 'job',
  description: 'The job finished; its result names what it made.',
  schema: z.object({ jobId: id, result: jobResult, completedAt: at }),
});

export const JobFailed = defineEvent({
  type: 'JobFailed',
  version: 1,
  domain: 'content',
  aggregate: 'job',
  description: 'The job stopped with an error (or was cancelled); error_message says why.',
  schema: z.object({
    jobId: id,
    errorMessage: z.string().min(1),
    result: jobResult.nullable(),
    failedAt: at,
  }),
});

export const jobEvents = [JobQueued, JobStarted, JobProgressed, JobCompleted, JobFailed] as const;
