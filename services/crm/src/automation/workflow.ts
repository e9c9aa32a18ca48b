import {
  WorkflowCreated,
  WorkflowDeleted,
  WorkflowPublished,
  WorkflowUnpublished,
  WorkflowUpdated,
  type EventOf,
} from '@seren/contracts';

export type WorkflowEvent = EventOf<
  [
    typeof WorkflowCreated,
    typeof WorkflowUpdated,
    typeof WorkflowPublished,
    typeof WorkflowUnpublished,
    typeof WorkflowDeleted,
  ]
>;

export const workflowStream = (workflowId: string) => `workflow-${workflowId}`;

export type WorkflowState =
  | { status: 'none' }
  | {
      status: 'draft' | 'published' | 'deleted';
      workflowId: string;
      locationId: string;
      /** the draft being edited */
      name: string;
      trigger: Record<string, unknown>;
      steps: Record<string, unknown>[];
      /** the last published version (0: never published) */
      version: number;
      /** whether the draft differs from the published version */
      changed: boolean;
    };

export const initialWorkflowState = (): WorkflowState => ({ status: 'none' });

export function evolveWorkflow(state: WorkflowState, event: WorkflowEvent): WorkflowState {
  switch (event.type) {
    case 'WorkflowCreated': {
      const d = event.data;
      return {
        status: 'draft',
        workflowId: d.workflowId,
        locationId: d.locationId,
        name: d.name,
        trigger: d.trigger,
        steps: d.steps,
        version: 0,
        changed: true,
      };
    }
    case 'WorkflowUpdated': {
      if (state.status === 'none') return state;
      const d = event.data;
      return {
        ...state,
        name: d.name ?? state.name,
        trigger: d.trigger ?? state.trigger,
        steps: d.steps ?? state.steps,
        changed: true,
      };
    }
    case 'WorkflowPublished':
      return state.status === 'none'
        ? state
        : { ...state, status: 'published', version: event.data.version, changed: false };
    case 'WorkflowUnpublished':
      return state.status === 'none' ? state : { ...state, status: 'draft' };
    case 'WorkflowDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
