import { domainErrorsOf } from '@seren/service-kit/errors';
import { evolveProject, initialProjectState, type ProjectEvent, type ProjectState } from './project.js';

export type ProjectCommand =
  | {
      type: 'CreateProject';
      projectId: string;
      userId: string;
      name: string;
      description?: string | null;
      now: string;
    }
  | { type: 'UpdateProject'; userId: string; name?: string | null; description?: string | null; now: string }
  | { type: 'DeleteProject'; userId: string; now: string };

// Validation errors carry the field, not a reason: a reason becomes Serelo's error code, and the
// spec's code for these is VALIDATION_ERROR.
export type ProjectReason = 'PROJECT_EXISTS';
const errors = domainErrorsOf<ProjectReason>();

export const MAX_PROJECT_NAME = 200;
export const MAX_PROJECT_DESCRIPTION = 1000;

function validName(raw: string): string {
  const name = raw.trim();
  if (name === '') throw errors.validationError('name is required (1-200 characters)', { field: 'name' });
  if (name.length > MAX_PROJECT_NAME)
    throw errors.validationError(`name must be at most ${MAX_PROJECT_NAME} characters`, { field: 'name' });
  return name;
}

/** An empty description is stored as none. */
function validDescription(raw: string | null): string | null {
  if (raw === null) return null;
  const description = raw.trim();
  if (description.length > MAX_PROJECT_DESCRIPTION)
    throw errors.validationError(`description must be at most ${MAX_PROJECT_DESCRIPTION} characters`, {
      field: 'description',
    });
  return description === '' ? null : description;
}

/** Another user's project answers exactly like a missing one: 404, never 403. */
function owned(state: ProjectState, userId: string) {
  if (state.status !== 'active' || state.userId !== userId) throw errors.notFound('project');
  return state;
}

export function decideProject(command: ProjectCommand, state: ProjectState): ProjectEvent[] {
  switch (command.type) {
    case 'CreateProject': {
      if (state.status !== 'none')
        throw errors.conflict('project already exists', { reason: 'PROJECT_EXISTS' });
      return [
        {
          type: 'ProjectCreated',
          data: {
            projectId: command.projectId,
            userId: command.userId,
            name: validName(command.name),
            description: validDescription(command.description ?? null),
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateProject': {
      owned(state, command.userId);
      const data: Extract<ProjectEvent, { type: 'ProjectUpdated' }>['data'] = {
        projectId: (state as { projectId: string }).projectId,
        updatedAt: command.now,
      };
      if (command.name !== undefined && command.name !== null) data.name = validName(command.name);
      if (command.description !== undefined) data.description = validDescription(command.description);
      return [{ type: 'ProjectUpdated', data }];
    }
    case 'DeleteProject': {
      const project = owned(state, command.userId);
      return [
        {
          type: 'ProjectDeleted',
          data: { projectId: project.projectId, userId: project.userId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const projectDecider = {
  streamType: 'project',
  initialState: initialProjectState,
  evolve: evolveProject,
  decide: decideProject,
};
