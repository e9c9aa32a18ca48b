import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's job (GET /api/v1/jobs/{job_id}), exactly as documented.

export const JobFields = graphql(`
  fragment SereloJob on Job {
    id
    userId
    projectId
    jobType
    status
    progress
    totalItems
    result
    errorMessage
    createdAt
    updatedAt
  }
`);

export const jobSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  project_id: z.string(),
  job_type: z.enum(['content_generation', 'document_parsing', 'bulk_generation']),
  status: z.enum(['queued', 'processing', 'completed', 'failed']),
  progress: z.number().int().min(0).max(100),
  total_items: z.number().int(),
  result: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('what the job made, e.g. {"post_id": ...}; null until it finishes'),
  error_message: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

type JobType = z.infer<typeof jobSchema>['job_type'];
type JobStatus = z.infer<typeof jobSchema>['status'];

export function jobToRest(ref: FragmentOf<typeof JobFields>): z.input<typeof jobSchema> {
  const j = readFragment(JobFields, ref);
  return {
    id: j.id,
    user_id: j.userId,
    project_id: j.projectId,
    job_type: j.jobType as JobType,
    status: j.status as JobStatus,
    progress: j.progress,
    total_items: j.totalItems,
    result: (j.result ?? null) as Record<string, unknown> | null,
    error_message: j.errorMessage,
    created_at: j.createdAt,
    updated_at: j.updatedAt,
  };
}
