import { randomUUID } from 'node:crypto';
import {
  eventMetadataOf,
  handle,
  requireAuthenticated,
  transaction,
  type RequestOrigin,
} from '@seren/service-kit';
import { DomainError, notFound, validationError } from '@seren/service-kit/errors';
import type { Content } from '../application.js';
import { completeJob, failJob, queueJob, reportJobProgress, startJob } from '../jobs/service.js';
import { linkOpportunitiesOfProject } from '../links/queries.js';
import { pageOf } from '../pagination.js';
import { ownedProject } from '../projects/queries.js';
import { listSources } from '../sources/queries.js';
import { billingOf } from '../billing/queries.js';
import type { Outline } from './compose.js';
import {
  postDecider,
  postErrors,
  quotaDecider,
  validBrief,
  type GenerationBrief,
  type PostCommand,
} from './decide.js';
import { postStream, quotaStream, type PostStatus } from './post.js';
import { findPost, findPostById, listPosts, type PostView } from './queries.js';
import { sourceTextsOf } from './sources.js';
import type { WriterBrief } from './writer.js';
import type { contentGeneration } from './workflows.js';

export const contentGenerationWorkflowId = (jobId: string) => `content-generation-${jobId}`;

/** When `source_ids` is left out, the project's parsed documents are used (newest first, at most this many). */
export const DEFAULT_SOURCES = 10;

export interface GenerationAccepted {
  jobId: string;
  status: 'queued';
  message: string;
  totalItems: number;
}

function userOf(request: RequestOrigin): string {
  requireAuthenticated(request.caller);
  return request.caller.subject;
}

/** The ids generation reads: those asked for (each checked: 404 / 400 INVALID_SOURCE), else the project's parsed documents. */
export async function sourceIdsFor(
  content: Content,
  userId: string,
  projectId: string,
  sourceIds: string[] | null | undefined,
) {
  if (sourceIds && sourceIds.length > 0) {
    const unique = [...new Set(sourceIds)];
    const texts = await sourceTextsOf(content).textsOf(projectId, userId, unique);
    if (texts.some((t) => t.fileType === 'csv'))
      throw validationError(
        'a CSV source is for bulk generation (POST /posts/bulk-generate), not a reference text',
        {
          reason: 'INVALID_SOURCE',
        },
      );
    return unique;
  }
  const { items } = await listSources(content, userId, projectId, {
    status: 'parsed',
    limit: 100,
    offset: 0,
  });
  return items
    .filter((s) => s.fileType !== 'csv')
    .slice(0, DEFAULT_SOURCES)
    .map((s) => s.id);
}

/**
 * POST /posts/generate: checks the brief, reserves one post of the month and one of the plan's
 * concurrent-generation slots on the user's quota stream (two requests for the last post: the
 * second append conflicts, re-reads and is refused), refuses a topic already generating in the
 * project, records the post and its queued job, all in one transaction; then starts the
 * content_generation workflow and answers at once.
 */
export async function requestPostGeneration(
  content: Content,
  request: RequestOrigin,
  input: GenerationBrief & { projectId: string; sourceIds?: string[] | null },
): Promise<GenerationAccepted> {
  const userId = userOf(request);
  const now = content.now();
  const { tier } = await billingOf(content, userId, now);
  await ownedProject(content, userId, input.projectId);
  const brief = validBrief(input, tier);
  const sourceIds = await sourceIdsFor(content, userId, input.projectId, input.sourceIds);
  const postId = randomUUID();
  const jobId = randomUUID();
  const workflowId = contentGenerationWorkflowId(jobId);
  const metadata = eventMetadataOf(request);
  await transaction(content, async (manager) => {
    // Under a per-user transaction lock, so that two requests of one user are decided one after the
    // other whatever the plan's slots: the month's quota first (403 QUOTA_EXCEEDED), then the
    // spec's ALREADY_GENERATING (409: the same topic still generating in the project), then the
    // plan's concurrent slots (429).
    await manager.query(`select pg_advisory_xact_lock(hashtext('post-generation:' || $1))`, [userId]);
    const sameTopicGenerating = async () => {
      const same: unknown[] = await manager.query(
        `select 1 from posts where project_id = $1 and user_id = $2 and lower(topic) = lower($3) and status = 'generating' limit 1`,
        [input.projectId, userId, brief.topic],
      );
      return same.length > 0;
    };
    const alreadyGenerating = () =>
      postErrors.conflict('a post on this topic is already being generated in this project', {
        reason: 'ALREADY_GENERATING',
      });
    // the plan and billing cycle as they are now, under the lock (a plan change meanwhile counts)
    const billing = await billingOf(content, userId, now, manager);
    try {
      await handle(
        content,
        manager,
        quotaStream(userId),
        quotaDecider,
        {
          type: 'ReserveGeneration',
          userId,
          jobId,
          tier: billing.tier,
          period: billing.cycle.period,
          posts: 1,
          now: now.toISOString(),
        },
        metadata,
      );
    } catch (error) {
      const slotsFull = error instanceof DomainError && error.reason === 'RATE_LIMIT_EXCEEDED';
      if (slotsFull && (await sameTopicGenerating())) throw alreadyGenerating();
      throw error;
    }
    if (await sameTopicGenerating()) throw alreadyGenerating();
    await handle(
      content,
      manager,
      postStream(postId),
      postDecider,
      {
        type: 'RequestPostGeneration',
        postId,
        jobId,
        userId,
        projectId: input.projectId,
        brief,
        sourceIds,
        bulkJobId: null,
        now: now.toISOString(),
      },
      metadata,
    );
    await queueJob(
      content,
      manager,
      { jobId, userId, projectId: input.projectId, jobType: 'content_generation', totalItems: 1, workflowId },
      request,
    );
  });
  try {
    await content.workflows.workflow.start<typeof contentGeneration>('contentGeneration', {
      taskQueue: content.taskQueue,
      workflowId,
      args: [{ postId }],
    });
  } catch (error) {
    await failPost(content, postId, 'the generation could not be started');
    throw error;
  }
  return {
    jobId,
    status: 'queued',
    message: 'Content generation started. Poll /api/v1/jobs/{job_id} for status.',
    totalItems: 1,
  };
}

// ---- the content_generation workflow's activities --------------------------------------------------

async function recordPost(content: Content, postId: string, command: PostCommand) {
  await handle(content, undefined, postStream(postId), postDecider, command, {
    actor: 'workflow:content_generation',
    correlationId: postId,
  });
}

async function generationOf(content: Content, postId: string) {
  const post = await findPostById(content, postId);
  if (!post) throw notFound('post'); // its project was deleted: the workflow is being cancelled
  const brief: WriterBrief = {
    topic: post.topic,
    voice: post.voice,
    targetLength: post.targetLength,
    customInstructions: post.customInstructions,
  };
  // Sources deleted since the request are left out rather than failing the post.
  const sources = [];
  for (const id of post.sourceIds) {
    try {
      sources.push(...(await sourceTextsOf(content).textsOf(post.projectId, post.userId, [id])));
    } catch {
      continue;
    }
  }
  return { post, brief, sources };
}

/** A single post's own job moves; a bulk row's progress is its bulk job's, reported by that workflow. */
const ownJob = (post: PostView) => post.bulkJobId === null;

/** Step 1: plans the outline (and marks the job processing). */
export async function planPostOutline(content: Content, postId: string): Promise<Outline> {
  const { post, brief, sources } = await generationOf(content, postId);
  if (ownJob(post)) await startJob(content, post.jobId, 'content_generation');
  const outline = await content.postWriter.outline(brief, sources);
  if (ownJob(post)) await reportJobProgress(content, post.jobId, 'content_generation', { progress: 10 });
  return outline;
}

/** Step 2, once per section: writes it and moves progress from 10 towards 95. */
export async function writePostSection(
  content: Content,
  postId: string,
  outline: Outline,
  index: number,
): Promise<{ heading: string; content: string }> {
  const { post, brief, sources } = await generationOf(content, postId);
  const section = await content.postWriter.section(brief, sources, outline, index);
  if (ownJob(post))
    await reportJobProgress(content, post.jobId, 'content_generation', {
      progress: 10 + Math.floor((85 * (index + 1)) / outline.sections.length),
    });
  return section;
}

/** Step 3: assembles the documented content with the project's links, records the post, completes the job. */
export async function completePost(
  content: Content,
  postId: string,
  outline: Outline,
  sections: { heading: string; content: string }[],
): Promise<{ postId: string; wordCount: number; notes: string[] }> {
  const { post, brief, sources } = await generationOf(content, postId);
  const links = await linkOpportunitiesOfProject(content, post.projectId);
  const assembled = await content.postWriter.assemble(brief, sources, outline, sections, links);
  await recordPost(content, postId, {
    type: 'RecordGeneratedPost',
    content: assembled.content,
    generator: content.postWriter.generator,
    now: content.now().toISOString(),
  });
  if (ownJob(post)) {
    await completeJob(content, post.jobId, 'content_generation', {
      post_id: postId,
      generator: content.postWriter.generator,
      word_count: assembled.content.word_count,
      ...(assembled.notes.length ? { notes: assembled.notes } : {}),
    });
    await releaseGeneration(content, post.userId, post.jobId, 0);
  }
  return { postId, wordCount: assembled.content.word_count, notes: assembled.notes };
}

/** The failure path (also after a cancellation): the post and its job failed; the post is refunded. */
export async function failPost(content: Content, postId: string, errorMessage: string): Promise<void> {
  const post = await findPostById(content, postId);
  if (!post) {
    // the project (with the post) is gone; its stream still says who holds the slot
    const { events } = await content.store.readStream(postStream(postId));
    const requested = events.find((e) => e.type === 'PostGenerationRequested');
    const data = requested?.data as { userId: string; jobId: string; bulkJobId: string | null } | undefined;
    if (data && data.bulkJobId === null) {
      await failJob(content, data.jobId, 'content_generation', errorMessage);
      await releaseGeneration(content, data.userId, data.jobId, 1);
    }
    return;
  }
  await recordPost(content, postId, {
    type: 'RecordFailedGeneration',
    errorMessage,
    now: content.now().toISOString(),
  });
  if (ownJob(post)) {
    await failJob(content, post.jobId, 'content_generation', errorMessage, { post_id: postId });
    await releaseGeneration(content, post.userId, post.jobId, 1);
  }
}

/** Gives the job's concurrent-generation slot back, refunding posts it reserved but did not generate. */
export async function releaseGeneration(
  content: Content,
  userId: string,
  jobId: string,
  refundedPosts: number,
) {
  await handle(
    content,
    undefined,
    quotaStream(userId),
    quotaDecider,
    { type: 'ReleaseGeneration', userId, jobId, refundedPosts, now: content.now().toISOString() },
    { actor: 'workflow:generation', correlationId: jobId },
  );
}

// ---- reads and deletes ------------------------------------------------------------------------------

export async function getPost(content: Content, request: RequestOrigin, postId: string): Promise<PostView> {
  const post = await findPost(content, userOf(request), postId);
  if (!post) throw notFound('post');
  return post;
}

const postStatuses: readonly PostStatus[] = ['completed', 'failed', 'generating'];

export async function listProjectPosts(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  filter: { status?: string | null; limit?: number | null; offset?: number | null },
) {
  const userId = userOf(request);
  await ownedProject(content, userId, projectId);
  if (filter.status != null && !(postStatuses as readonly string[]).includes(filter.status))
    throw validationError('status must be completed, failed or generating', { field: 'status' });
  const page = pageOf(filter, { defaultLimit: 50, maxLimit: 100 });
  return listPosts(content, projectId, { status: (filter.status ?? null) as PostStatus | null, ...page });
}

/** Deletes the post; its quota is not refunded (the spec's rule). */
export async function deletePost(content: Content, request: RequestOrigin, postId: string): Promise<boolean> {
  const userId = userOf(request);
  if (!(await findPost(content, userId, postId))) throw notFound('post');
  await handle(
    content,
    undefined,
    postStream(postId),
    postDecider,
    { type: 'DeletePost', userId, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  return true;
}
