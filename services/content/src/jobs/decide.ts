import type { JobType } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { evolveJob, initialJobState, type JobEvent, type JobState } from './job.js';

// Jobs are written by workflow activities, which run at least once: every step command is
// idempotent (a step already recorded, or a job already finished, appends nothing), and progress
// never moves backwards, so a retried or late report cannot undo a later one.
export type JobCommand =
  | {
      type: 'QueueJob';
      jobId: string;
      userId: string;
      projectId: string;
      jobType: JobType;
      totalItems: number;
      workflowId: string;
      now: string;
    }
  | { type: 'StartJob'; now: string }
  | { type: 'ReportJobProgress'; progress: number; itemsDone?: number; totalItems?: number; now: string }
  | { type: 'CompleteJob'; result: Record<string, unknown>; now: string }
  | { type: 'FailJob'; errorMessage: string; result?: Record<string, unknown> | null; now: string };

export type JobReason = 'JOB_EXISTS';
const errors = domainErrorsOf<JobReason>();

const finished = (state: JobState) => state.status === 'completed' || state.status === 'failed';

export function decideJob(command: JobCommand, state: JobState): JobEvent[] {
  if (command.type === 'QueueJob') {
    if (state.status !== 'none') throw errors.conflict('job already exists', { reason: 'JOB_EXISTS' });
    const { jobId, userId, projectId, jobType, totalItems, workflowId, now } = command;
    return [
      {
        type: 'JobQueued',
        data: { jobId, userId, projectId, jobType, totalItems, workflowId, queuedAt: now },
      },
    ];
  }
  if (state.status === 'none') throw errors.notFound('job');
  if (finished(state)) return [];
  switch (command.type) {
    case 'StartJob':
      return state.status === 'queued'
        ? [{ type: 'JobStarted', data: { jobId: state.jobId, startedAt: command.now } }]
        : [];
    case 'ReportJobProgress': {
      const progress = Math.max(state.progress, Math.min(99, Math.max(0, Math.round(command.progress))));
      const itemsDone =
        command.itemsDone === undefined ? undefined : Math.max(state.itemsDone, command.itemsDone);
      const moved =
        progress !== state.progress ||
        (itemsDone !== undefined && itemsDone !== state.itemsDone) ||
        (command.totalItems !== undefined && command.totalItems !== state.totalItems) ||
        state.status === 'queued';
      if (!moved) return [];
      return [
        {
          type: 'JobProgressed',
          data: {
            jobId: state.jobId,
            progress,
            ...(itemsDone === undefined ? {} : { itemsDone }),
            ...(command.totalItems === undefined ? {} : { totalItems: command.totalItems }),
            progressedAt: command.now,
          },
        },
      ];
    }
    case 'CompleteJob':
      return [
        {
          type: 'JobCompleted',
          data: { jobId: state.jobId, result: command.result, completedAt: command.now },
        },
      ];
    case 'FailJob':
      return [
        {
          type: 'JobFailed',
          data: {
            jobId: state.jobId,
            errorMessage: command.errorMessage.trim() || 'failed',
            result: command.result ?? null,
            failedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const jobDecider = {
  streamType: 'job',
  initialState: initialJobState,
  evolve: evolveJob,
  decide: decideJob,
};
