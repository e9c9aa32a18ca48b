import { specOf } from '@seren/testing';
import { jobDecider } from './decide';
import type { JobEvent } from './job';

const given = specOf(jobDecider);
const now = '2026-12-01T10:00:00.000Z';
const queued: JobEvent = {
  type: 'JobQueued',
  data: {
    jobId: 'j1',
    userId: 'u1',
    projectId: 'p1',
    jobType: 'content_generation',
    totalItems: 1,
    workflowId: 'content-generation-j1',
    queuedAt: now,
  },
};
const started: JobEvent = { type: 'JobStarted', data: { jobId: 'j1', startedAt: now } };
const at40: JobEvent = { type: 'JobProgressed', data: { jobId: 'j1', progress: 40, progressedAt: now } };
const completed: JobEvent = {
  type: 'JobCompleted',
  data: { jobId: 'j1', result: { post_id: 'p' }, completedAt: now },
};

describe('jobs (written by workflow activities, which run at least once)', () => {
  it('starts a queued job once', () => {
    given([queued]).when({ type: 'StartJob', now }).then([started]);
    given([queued, started]).when({ type: 'StartJob', now }).thenNothing();
  });

  it('moves progress forward only, and keeps it below 100 until the job completes', () => {
    given([queued, started]).when({ type: 'ReportJobProgress', progress: 40, now }).then([at40]);
    given([queued, started, at40]).when({ type: 'ReportJobProgress', progress: 20, now }).thenNothing();
    given([queued, started])
      .when({ type: 'ReportJobProgress', progress: 100, now })
      .then([{ type: 'JobProgressed', data: { jobId: 'j1', progress: 99, progressedAt: now } }]);
  });

  it('records items done of total items (bulk jobs)', () =>
    given([queued, started])
      .when({ type: 'ReportJobProgress', progress: 50, itemsDone: 2, totalItems: 4, now })
      .then([
        {
          type: 'JobProgressed',
          data: { jobId: 'j1', progress: 50, itemsDone: 2, totalItems: 4, progressedAt: now },
        },
      ]));

  it('completes with a result; a finished job takes no further step', () => {
    given([queued, started])
      .when({ type: 'CompleteJob', result: { post_id: 'p' }, now })
      .then([completed]);
    given([queued, completed]).when({ type: 'FailJob', errorMessage: 'late', now }).thenNothing();
    given([queued, completed]).when({ type: 'ReportJobProgress', progress: 50, now }).thenNothing();
  });

  it('fails with its error message', () =>
    given([queued])
      .when({ type: 'FailJob', errorMessage: 'cancelled: the project was deleted', now })
      .then([
        {
          type: 'JobFailed',
          data: {
            jobId: 'j1',
            errorMessage: 'cancelled: the project was deleted',
            result: null,
            failedAt: now,
          },
        },
      ]));

  it('refuses a step of a job never queued, and a second queueing', () => {
    given([]).when({ type: 'StartJob', now }).thenThrows({ code: 'NOT_FOUND' });
    given([queued])
      .when({ ...{ type: 'QueueJob' as const }, ...queued.data, now })
      .thenThrows({ code: 'CONFLICT', reason: 'JOB_EXISTS' });
  });
});
