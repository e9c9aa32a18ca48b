import {
  ExecutionCancelled,
  ExecutionCompleted,
  ExecutionFailed,
  ExecutionResumed,
  ExecutionStarted,
  ExecutionStepRecorded,
  ExecutionWaitStarted,
  type EventData,
  type EventOf,
  type ExecutionStatus,
} from '@seren/contracts';

// One execution's events, appended by its Temporal workflow's activities. Activities may run twice
// (a retry after the append, a new worker after a crash), so every command is idempotent against
// the stream: a step is recorded once per `seq` (the n-th step the execution ran), a start once,
// an end once.

export type ExecutionEvent = EventOf<
  [
    typeof ExecutionStarted,
    typeof ExecutionStepRecorded,
    typeof ExecutionWaitStarted,
    typeof ExecutionResumed,
    typeof ExecutionCompleted,
    typeof ExecutionFailed,
    typeof ExecutionCancelled,
  ]
>;

export const executionStream = (executionId: string) => `workflow-execution-${executionId}`;

export interface ExecutionRef {
  executionId: string;
  workflowId: string;
  locationId: string;
  contactId: string;
}

export type ExecutionState =
  | { status: 'none' }
  | (ExecutionRef & {
      status: ExecutionStatus;
      stepsRecorded: number;
      waitsStarted: number;
      resumes: number;
    });

export const initialExecutionState = (): ExecutionState => ({ status: 'none' });

export function evolveExecution(state: ExecutionState, event: ExecutionEvent): ExecutionState {
  if (event.type === 'ExecutionStarted') {
    const { executionId, workflowId, locationId, contactId } = event.data;
    return {
      status: 'running',
      executionId,
      workflowId,
      locationId,
      contactId,
      stepsRecorded: 0,
      waitsStarted: 0,
      resumes: 0,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'ExecutionStepRecorded':
      return { ...state, stepsRecorded: state.stepsRecorded + 1 };
    case 'ExecutionWaitStarted':
      return { ...state, status: 'waiting', waitsStarted: state.waitsStarted + 1 };
    case 'ExecutionResumed':
      return { ...state, status: 'running', resumes: state.resumes + 1 };
    case 'ExecutionCompleted':
      return { ...state, status: 'completed' };
    case 'ExecutionFailed':
      return { ...state, status: 'failed' };
    case 'ExecutionCancelled':
      return { ...state, status: 'cancelled' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

type StepData = EventData<typeof ExecutionStepRecorded>;

export type ExecutionCommand =
  | { type: 'StartExecution'; data: EventData<typeof ExecutionStarted> }
  | {
      type: 'RecordStep';
      /** the n-th step this execution ran (0-based): recorded once */
      seq: number;
      step: Pick<StepData, 'stepIndex' | 'stepType' | 'outcome' | 'detail'>;
      now: string;
    }
  | { type: 'StartWait'; seq: number; stepIndex: number; until: string; now: string }
  | { type: 'Resume'; seq: number; stepIndex: number; now: string }
  | { type: 'CompleteExecution'; now: string }
  | { type: 'FailExecution'; stepIndex: number; error: string; now: string }
  | { type: 'CancelExecution'; now: string };

const ended = (status: ExecutionStatus) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

export function decideExecution(command: ExecutionCommand, state: ExecutionState): ExecutionEvent[] {
  if (command.type === 'StartExecution')
    return state.status === 'none' ? [{ type: 'ExecutionStarted', data: command.data }] : [];
  if (state.status === 'none' || ended(state.status)) return [];
  const ref: ExecutionRef = {
    executionId: state.executionId,
    workflowId: state.workflowId,
    locationId: state.locationId,
    contactId: state.contactId,
  };
  switch (command.type) {
    case 'RecordStep':
      if (command.seq < state.stepsRecorded) return [];
      return [{ type: 'ExecutionStepRecorded', data: { ...ref, ...command.step, recordedAt: command.now } }];
    case 'StartWait':
      if (command.seq < state.waitsStarted) return [];
      return [
        {
          type: 'ExecutionWaitStarted',
          data: { ...ref, stepIndex: command.stepIndex, until: command.until, waitingSince: command.now },
        },
      ];
    case 'Resume':
      if (command.seq < state.resumes) return [];
      return [
        { type: 'ExecutionResumed', data: { ...ref, stepIndex: command.stepIndex, resumedAt: command.now } },
      ];
    case 'CompleteExecution':
      return [{ type: 'ExecutionCompleted', data: { ...ref, completedAt: command.now } }];
    case 'FailExecution':
      return [
        {
          type: 'ExecutionFailed',
          data: {
            ...ref,
            stepIndex: command.stepIndex,
            error: command.error.slice(0, 1000),
            failedAt: command.now,
          },
        },
      ];
    case 'CancelExecution':
      return [{ type: 'ExecutionCancelled', data: { ...ref, cancelledAt: command.now } }];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const executionDecider = {
  streamType: 'workflow_execution',
  initialState: initialExecutionState,
  evolve: evolveExecution,
  decide: decideExecution,
};
