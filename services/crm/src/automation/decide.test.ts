import { specOf } from '@seren/testing';
import { workflowDecider } from './decide';
import { executionDecider, type ExecutionEvent } from './execution';
import type { WorkflowEvent } from './workflow';

const now = '2026-12-02T07:00:00.000Z';

describe('workflow definitions', () => {
  const given = specOf(workflowDecider);
  const created: WorkflowEvent = {
    type: 'WorkflowCreated',
    data: {
      workflowId: 'w1',
      locationId: 'loc1',
      name: 'Welcome',
      trigger: { type: 'contact_tag_added', filters: { tag: 'vip' } },
      steps: [{ type: 'add_tag', tags: ['welcomed'] }],
      createdAt: now,
    },
  };
  const published = (version: number, steps = created.data.steps): WorkflowEvent => ({
    type: 'WorkflowPublished',
    data: {
      workflowId: 'w1',
      locationId: 'loc1',
      version,
      name: 'Welcome',
      trigger: created.data.trigger,
      steps,
      publishedAt: now,
    },
  });

  it('creates a draft with its trigger and steps, defaults filled in', () =>
    given([])
      .when({
        type: 'CreateWorkflow',
        workflowId: 'w1',
        locationId: 'loc1',
        input: {
          name: ' Welcome ',
          trigger: { type: 'contact_tag_added', filters: { tag: 'vip' } },
          steps: [{ type: 'add_tag', tags: ['welcomed'] }],
        },
        now,
      })
      .then([created]));

  it('lists every bad part of a definition in one 400: name, trigger type, a step field, a jump past the end', () =>
    given([])
      .when({
        type: 'CreateWorkflow',
        workflowId: 'w1',
        locationId: 'loc1',
        input: {
          name: '',
          trigger: { type: 'birthday' },
          steps: [{ type: 'go_to', step: 5 }],
        },
        now,
      })
      .thenThrows({
        code: 'VALIDATION_ERROR',
        details: {
          fields: [
            { field: 'name', message: expect.any(String) },
            { field: 'trigger.type', message: expect.any(String) },
            { field: 'steps[0]', message: expect.stringContaining('past the last') },
          ],
        },
      }));

  it('publishing bumps the version; publishing an unchanged draft again changes nothing', () => {
    given([created])
      .when({ type: 'PublishWorkflow', now })
      .then([published(1)]);
    given([created, published(1)])
      .when({ type: 'PublishWorkflow', now })
      .thenNothing();
  });

  it('an edit after publishing leaves the published version; the next publish is version 2 with the edit', () => {
    const steps = [{ type: 'end' }];
    const updated: WorkflowEvent = {
      type: 'WorkflowUpdated',
      data: { workflowId: 'w1', locationId: 'loc1', steps, updatedAt: now },
    };
    given([created, published(1)])
      .when({ type: 'UpdateWorkflow', input: { steps }, now })
      .then([updated]);
    given([created, published(1), updated])
      .when({ type: 'PublishWorkflow', now })
      .then([published(2, steps)]);
  });

  it('a deleted workflow is not found', () =>
    given([
      created,
      { type: 'WorkflowDeleted', data: { workflowId: 'w1', locationId: 'loc1', deletedAt: now } },
    ])
      .when({ type: 'PublishWorkflow', now })
      .thenThrows({ code: 'NOT_FOUND' }));
});

describe('executions', () => {
  const given = specOf(executionDecider);
  const ref = { executionId: 'e1', workflowId: 'w1', locationId: 'loc1', contactId: 'c1' };
  const started: ExecutionEvent = {
    type: 'ExecutionStarted',
    data: {
      ...ref,
      workflowVersion: 1,
      trigger: 'manual',
      triggerEventId: null,
      triggerData: {},
      startedAt: now,
    },
  };
  const step: ExecutionEvent = {
    type: 'ExecutionStepRecorded',
    data: { ...ref, stepIndex: 0, stepType: 'add_tag', outcome: 'succeeded', detail: {}, recordedAt: now },
  };

  it('starts once: a second start (a retried activity) appends nothing', () => {
    given([]).when({ type: 'StartExecution', data: started.data }).then([started]);
    given([started]).when({ type: 'StartExecution', data: started.data }).thenNothing();
  });

  it('records each step once by its sequence number, whatever the retries', () => {
    const record = {
      type: 'RecordStep' as const,
      seq: 0,
      step: { stepIndex: 0, stepType: 'add_tag', outcome: 'succeeded' as const, detail: {} },
      now,
    };
    given([started]).when(record).then([step]);
    given([started, step]).when(record).thenNothing();
    given([started, step])
      .when({ ...record, seq: 1 })
      .then([{ ...step }]);
  });

  it('an ended execution takes no more events: a cancel after completion appends nothing', () =>
    given([started, { type: 'ExecutionCompleted', data: { ...ref, completedAt: now } }])
      .when({ type: 'CancelExecution', now })
      .thenNothing());

  it('a wait and its resume are recorded once each', () => {
    const wait: ExecutionEvent = {
      type: 'ExecutionWaitStarted',
      data: { ...ref, stepIndex: 1, until: '2026-12-02T08:00:00.000Z', waitingSince: now },
    };
    given([started])
      .when({ type: 'StartWait', seq: 0, stepIndex: 1, until: '2026-12-02T08:00:00.000Z', now })
      .then([wait]);
    given([started, wait])
      .when({ type: 'StartWait', seq: 0, stepIndex: 1, until: '2026-12-02T08:00:00.000Z', now })
      .thenNothing();
    given([started, wait])
      .when({ type: 'Resume', seq: 0, stepIndex: 1, now })
      .then([{ type: 'ExecutionResumed', data: { ...ref, stepIndex: 1, resumedAt: now } }]);
  });
});
