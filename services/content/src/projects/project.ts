import { ProjectCreated, ProjectDeleted, ProjectUpdated, type EventOf } from '@seren/contracts';

export type ProjectEvent = EventOf<[typeof ProjectCreated, typeof ProjectUpdated, typeof ProjectDeleted]>;

export const projectStream = (projectId: string) => `project-${projectId}`;

export type ProjectState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      projectId: string;
      userId: string;
      name: string;
      description: string | null;
    };

export const initialProjectState = (): ProjectState => ({ status: 'none' });

export function evolveProject(state: ProjectState, event: ProjectEvent): ProjectState {
  switch (event.type) {
    case 'ProjectCreated': {
      const { projectId, userId, name, description } = event.data;
      return { status: 'active', projectId, userId, name, description };
    }
    case 'ProjectUpdated':
      if (state.status === 'none') return state;
      return {
        ...state,
        name: event.data.name ?? state.name,
        description: event.data.description === undefined ? state.description : event.data.description,
      };
    case 'ProjectDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
