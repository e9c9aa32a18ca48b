import {
  JobCompleted,
  JobFailed,
  JobProgressed,
  JobQueued,
  JobStarted,
  type EventOf,
  type JobType,
} from '@seren/contracts';

export type JobEvent = EventOf<
  [typeof JobQueued, typeof JobStarted, typeof JobProgressed, typeof JobCompleted, typeof JobFailed]
>;

/** The spec's job statuses. */
export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed';

export const jobStream = (jobId: string) => `job-${jobId}`;

export type JobState =
  | { status: 'none' }
  | {
      status: JobStatus;
      jobId: string;
      jobType: JobType;
      progress: number;
      itemsDone: number;
      totalItems: number;
    };

export const initialJobState = (): JobState => ({ status: 'none' });

export function evolveJob(state: JobState, event: JobEvent): JobState {
  if (event.type === 'JobQueued') {
    const d = event.data;
    return {
      status: 'queued',
      jobId: d.jobId,
      jobType: d.jobType,
      progress: 0,
      itemsDone: 0,
      totalItems: d.totalItems,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'JobStarted':
      return { ...state, status: 'processing' };
    case 'JobProgressed':
      return {
        ...state,
        status: 'processing',
        progress: event.data.progress,
        itemsDone: event.data.itemsDone ?? state.itemsDone,
        totalItems: event.data.totalItems ?? state.totalItems,
      };
    case 'JobCompleted':
      return { ...state, status: 'completed', progress: 100 };
    case 'JobFailed':
      return { ...state, status: 'failed' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
