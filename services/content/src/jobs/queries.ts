import type { JobType } from '@seren/contracts';
import type { ApplicationContext } from '@seren/service-kit';
import type { JobStatus } from './job.js';

export interface JobView {
  id: string;
  userId: string;
  projectId: string;
  jobType: JobType;
  status: JobStatus;
  progress: number;
  totalItems: number;
  itemsDone: number;
  result: Record<string, unknown> | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

interface JobRow {
  id: string;
  user_id: string;
  project_id: string;
  job_type: JobType;
  status: JobStatus;
  progress: number;
  total_items: number;
  items_done: number;
  result: Record<string, unknown> | null;
  error_message: string | null;
  workflow_id: string;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: JobRow): JobView => ({
  id: row.id,
  userId: row.user_id,
  projectId: row.project_id,
  jobType: row.job_type,
  status: row.status,
  progress: row.progress,
  totalItems: row.total_items,
  itemsDone: row.items_done,
  result: row.result,
  errorMessage: row.error_message,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The user's job; another user's job is undefined, like a missing one. */
export async function findJob(
  app: ApplicationContext,
  userId: string,
  jobId: string,
): Promise<JobView | undefined> {
  const rows: JobRow[] = await app.dataSource.query(`select * from jobs where id = $1 and user_id = $2`, [
    jobId,
    userId,
  ]);
  return rows[0] && toView(rows[0]);
}

/** The workflows of a project's jobs still queued or running (cancelled when the project is deleted). */
export async function runningWorkflowsOfProject(
  app: ApplicationContext,
  projectId: string,
): Promise<string[]> {
  const rows: { workflow_id: string }[] = await app.dataSource.query(
    `select workflow_id from jobs where project_id = $1 and status in ('queued', 'processing')`,
    [projectId],
  );
  return rows.map((row) => row.workflow_id);
}
