// Bundled into Temporal's deterministic sandbox: no I/O, clock or randomness. The workflow decides
// the steps; each activity records its step as events, whose projections are the post and job the
// API reads. Each section is its own activity, so a retry (or a new worker after a crash) redoes
// one section, not the post: the sections already written are in the workflow's history.
import {
  ActivityFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { BulkActivities, PostActivities } from './activities.js';
import type { BulkRowFailure } from './bulk.js';

const steps = proxyActivities<PostActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '5 seconds',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 5,
  },
});

export interface ContentGenerationInput {
  postId: string;
}

export interface ContentGenerationResult {
  postId: string;
  status: 'completed' | 'failed';
  wordCount?: number;
  error?: string;
}

function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** content_generation: outline → one activity per section → the assembled post. */
export async function contentGeneration(input: ContentGenerationInput): Promise<ContentGenerationResult> {
  try {
    const outline = await steps.planPostOutline(input.postId);
    const sections: { heading: string; content: string }[] = [];
    for (let index = 0; index < outline.sections.length; index++) {
      sections.push(await steps.writePostSection(input.postId, outline, index));
    }
    const done = await steps.completePost(input.postId, outline, sections);
    return { postId: input.postId, status: 'completed', wordCount: done.wordCount };
  } catch (error) {
    const cancelled = isCancellation(error);
    const message = cancelled
      ? 'cancelled: the project was deleted'
      : `generation failed: ${messageOf(error)}`;
    // Recording the failure must survive the cancellation that caused it.
    await CancellationScope.nonCancellable(() => steps.failPost(input.postId, message));
    if (cancelled) throw error;
    return { postId: input.postId, status: 'failed', error: message };
  }
}

const bulkSteps = proxyActivities<BulkActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '200 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 10,
  },
});

export interface BulkGenerationInput {
  jobId: string;
  userId: string;
  rows: { postId: string; row: number; topic: string }[];
  invalidRows: BulkRowFailure[];
  concurrency: number;
}

/**
 * bulk_generation: each row is a contentGeneration child workflow, at most `concurrency` at a time;
 * progress and items done move as rows finish; a failed row is recorded, the others go on.
 * Cancelling it (its project was deleted) cancels the rows still running.
 */
export async function bulkGeneration(
  input: BulkGenerationInput,
): Promise<{ completed: number; failed: number }> {
  await bulkSteps.startBulkGeneration(input.jobId);
  const postIds: string[] = [];
  const failedRows: BulkRowFailure[] = [...input.invalidRows];
  let done = 0;
  let next = 0;
  const parent = workflowInfo().workflowId;
  const lane = async () => {
    while (next < input.rows.length) {
      const row = input.rows[next++]!;
      const result = await executeChild(contentGeneration, {
        workflowId: `${parent}-row-${row.row}`,
        args: [{ postId: row.postId }],
      });
      if (result.status === 'completed') postIds.push(row.postId);
      else failedRows.push({ row: row.row, topic: row.topic, error: result.error ?? 'failed' });
      done += 1;
      await bulkSteps.reportBulkProgress(input.jobId, done, input.rows.length);
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(input.concurrency, input.rows.length)) }, lane),
    );
  } catch (error) {
    if (!isCancellation(error)) throw error;
    await CancellationScope.nonCancellable(() =>
      bulkSteps.finishBulkGeneration(input.jobId, input.userId, {
        postIds,
        failedRows,
        cancelled: true,
        notStarted: input.rows.length - done,
      }),
    );
    throw error;
  }
  failedRows.sort((a, b) => a.row - b.row);
  await bulkSteps.finishBulkGeneration(input.jobId, input.userId, {
    postIds,
    failedRows,
    cancelled: false,
    notStarted: 0,
  });
  return { completed: postIds.length, failed: failedRows.length };
}
