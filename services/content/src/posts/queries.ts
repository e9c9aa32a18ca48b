import type { PostContent, TargetLength, Voice } from '@seren/contracts';
import type { ApplicationContext } from '@seren/service-kit';
import type { PostStatus } from './post.js';

export interface PostView {
  id: string;
  projectId: string;
  userId: string;
  jobId: string;
  bulkJobId: string | null;
  topic: string;
  voice: Voice;
  targetLength: TargetLength;
  customInstructions: string | null;
  sourceIds: string[];
  channel: string | null;
  status: PostStatus;
  content: PostContent | null;
  generator: string | null;
  wordCount: number | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

interface PostRow {
  id: string;
  project_id: string;
  user_id: string;
  job_id: string;
  bulk_job_id: string | null;
  topic: string;
  voice: Voice;
  target_length: TargetLength;
  custom_instructions: string | null;
  source_ids: string[];
  channel: string | null;
  status: PostStatus;
  content: PostContent | null;
  generator: string | null;
  word_count: number | null;
  error_message: string | null;
  created_at: Date;
  updated_at: Date;
}

const toView = (r: PostRow): PostView => ({
  id: r.id,
  projectId: r.project_id,
  userId: r.user_id,
  jobId: r.job_id,
  bulkJobId: r.bulk_job_id,
  topic: r.topic,
  voice: r.voice,
  targetLength: r.target_length,
  customInstructions: r.custom_instructions,
  sourceIds: r.source_ids,
  channel: r.channel,
  status: r.status,
  content: r.content,
  generator: r.generator,
  wordCount: r.word_count,
  errorMessage: r.error_message,
  createdAt: r.created_at.toISOString(),
  updatedAt: r.updated_at.toISOString(),
});

/** A post by id (for the workflow's activities: no caller). */
export async function findPostById(app: ApplicationContext, postId: string): Promise<PostView | undefined> {
  const rows: PostRow[] = await app.dataSource.query(`select * from posts where id = $1`, [postId]);
  return rows[0] && toView(rows[0]);
}

/** The user's post; another user's is undefined, like a missing one. */
export async function findPost(
  app: ApplicationContext,
  userId: string,
  postId: string,
): Promise<PostView | undefined> {
  const rows: PostRow[] = await app.dataSource.query(`select * from posts where id = $1 and user_id = $2`, [
    postId,
    userId,
  ]);
  return rows[0] && toView(rows[0]);
}

/** A page of a project's posts, newest first, optionally of one status, and how many match. */
export async function listPosts(
  app: ApplicationContext,
  projectId: string,
  filter: { status?: PostStatus | null; limit: number; offset: number },
): Promise<{ items: PostView[]; total: number }> {
  const where = `project_id = $1 and ($2::text is null or status = $2)`;
  const args = [projectId, filter.status ?? null];
  const [rows, count]: [PostRow[], { total: string }[]] = await Promise.all([
    app.dataSource.query(
      `select * from posts where ${where} order by created_at desc, id desc limit $3 offset $4`,
      [...args, filter.limit, filter.offset],
    ),
    app.dataSource.query(`select count(*) as total from posts where ${where}`, args),
  ]);
  return { items: rows.map(toView), total: Number(count[0]!.total) };
}

/** Posts used by the user in a quota period (`YYYY-MM`, or a billing cycle's start instant: billing's `cycleOf`). */
export async function postsUsed(app: ApplicationContext, userId: string, period: string): Promise<number> {
  const rows: { posts_used: number }[] = await app.dataSource.query(
    `select posts_used from generation_quota_usage where user_id = $1 and period = $2`,
    [userId, period],
  );
  return rows[0]?.posts_used ?? 0;
}

/** Posts by id (loaders' batch reader); callers check ownership. */
export async function postsByIds(
  app: ApplicationContext,
  ids: readonly string[],
): Promise<ReadonlyMap<string, PostView>> {
  const rows: PostRow[] = await app.dataSource.query(`select * from posts where id = any($1)`, [ids]);
  return new Map(rows.map((r) => [r.id, toView(r)]));
}
