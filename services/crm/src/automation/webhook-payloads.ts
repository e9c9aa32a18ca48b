import type { EventData } from '@seren/contracts';
import type {
  ExecutionCancelled,
  ExecutionCompleted,
  ExecutionFailed,
  ExecutionStarted,
  ExecutionStepRecorded,
} from '@seren/contracts';
import type { ConsumedEvent } from '@seren/event-store';
import type { WebhookBody, WebhookPayloads, WebhookTypes } from '../webhooks/payloads.js';

// Workflow execution events as webhooks (issue 12: "workflow execution events"). HighLevel has no
// public webhook for these; the names follow its style (`<Thing><Change>`), and each body names the
// workflow, execution and contact. Waits and resumes are not sent (a status, not a result).

const base = (event: ConsumedEvent, type: string): WebhookBody => {
  const d = event.data as EventData<typeof ExecutionCompleted>;
  return {
    type,
    locationId: d.locationId,
    workflowId: d.workflowId,
    executionId: d.executionId,
    contactId: d.contactId,
  };
};

export const workflowExecutionPayloads: WebhookPayloads = {
  ExecutionStarted: (event) => {
    const d = event.data as EventData<typeof ExecutionStarted>;
    return {
      ...base(event, 'WorkflowExecutionStarted'),
      workflowVersion: d.workflowVersion,
      trigger: d.trigger,
      startedAt: d.startedAt,
    };
  },
  ExecutionStepRecorded: (event) => {
    const d = event.data as EventData<typeof ExecutionStepRecorded>;
    return {
      ...base(event, 'WorkflowExecutionStepCompleted'),
      stepIndex: d.stepIndex,
      stepType: d.stepType,
      outcome: d.outcome,
      recordedAt: d.recordedAt,
    };
  },
  ExecutionCompleted: (event) => ({
    ...base(event, 'WorkflowExecutionCompleted'),
    completedAt: (event.data as EventData<typeof ExecutionCompleted>).completedAt,
  }),
  ExecutionFailed: (event) => {
    const d = event.data as EventData<typeof ExecutionFailed>;
    return {
      ...base(event, 'WorkflowExecutionFailed'),
      stepIndex: d.stepIndex,
      error: d.error,
      failedAt: d.failedAt,
    };
  },
  ExecutionCancelled: (event) => ({
    ...base(event, 'WorkflowExecutionCancelled'),
    cancelledAt: (event.data as EventData<typeof ExecutionCancelled>).cancelledAt,
  }),
};

export const workflowExecutionWebhookTypes: WebhookTypes = [
  'WorkflowExecutionStarted',
  'WorkflowExecutionStepCompleted',
  'WorkflowExecutionCompleted',
  'WorkflowExecutionFailed',
  'WorkflowExecutionCancelled',
];
