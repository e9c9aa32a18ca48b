import { Context } from '@temporalio/activity';
import type { Content } from '../application.js';
import type { Outline } from './compose.js';
import {
  finishBulkGeneration,
  reportBulkProgress,
  startBulkGeneration,
  type BulkRowFailure,
} from './bulk.js';
import { completePost, failPost, planPostOutline, writePostSection } from './service.js';

/**
 * A model call can take a while: the heartbeat lets Temporal notice a dead worker within the
 * heartbeat timeout (workflows.ts) and hand the step to another, instead of waiting out the attempt.
 */
async function beating<T>(work: () => Promise<T>): Promise<T> {
  const beat = setInterval(() => Context.current().heartbeat(), 1_000);
  try {
    return await work();
  } finally {
    clearInterval(beat);
  }
}

/** The content_generation workflow's activities: each a thin adapter over one application function. */
export function postActivities(content: Content) {
  return {
    planPostOutline: (postId: string) => beating(() => planPostOutline(content, postId)),
    writePostSection: (postId: string, outline: Outline, index: number) =>
      beating(() => writePostSection(content, postId, outline, index)),
    completePost: (postId: string, outline: Outline, sections: { heading: string; content: string }[]) =>
      beating(() => completePost(content, postId, outline, sections)),
    failPost: (postId: string, errorMessage: string) => failPost(content, postId, errorMessage),
    ...bulkActivities(content),
  };
}

export type PostActivities = ReturnType<typeof postActivities>;

/** The bulk_generation workflow's activities (its rows run as contentGeneration child workflows). */
export function bulkActivities(content: Content) {
  return {
    startBulkGeneration: (jobId: string) => startBulkGeneration(content, jobId),
    reportBulkProgress: (jobId: string, done: number, total: number) =>
      reportBulkProgress(content, jobId, done, total),
    finishBulkGeneration: (
      jobId: string,
      userId: string,
      outcome: { postIds: string[]; failedRows: BulkRowFailure[]; cancelled: boolean; notStarted: number },
    ) => finishBulkGeneration(content, jobId, userId, outcome),
  };
}

export type BulkActivities = ReturnType<typeof bulkActivities>;
