import { specOf } from '@seren/testing';
import { projectDecider } from './decide';
import type { ProjectEvent } from './project';

const given = specOf(projectDecider);
const now = '2026-12-01T10:00:00.000Z';
const created: ProjectEvent = {
  type: 'ProjectCreated',
  data: { projectId: 'p1', userId: 'u1', name: 'Tech Blog', description: null, createdAt: now },
};

describe('projects', () => {
  it('creates a project with its name trimmed and an empty description as none', () =>
    given([])
      .when({
        type: 'CreateProject',
        projectId: 'p1',
        userId: 'u1',
        name: ' Tech Blog ',
        description: '  ',
        now,
      })
      .then([created]));

  it('refuses an empty name, a name above 200 and a description above 1000 characters', () => {
    given([])
      .when({ type: 'CreateProject', projectId: 'p1', userId: 'u1', name: ' ', now })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ type: 'CreateProject', projectId: 'p1', userId: 'u1', name: 'x'.repeat(201), now })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({
        type: 'CreateProject',
        projectId: 'p1',
        userId: 'u1',
        name: 'ok',
        description: 'd'.repeat(1001),
        now,
      })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it('updates only the fields given; a null description clears it', () =>
    given([created])
      .when({ type: 'UpdateProject', userId: 'u1', description: null, now })
      .then([{ type: 'ProjectUpdated', data: { projectId: 'p1', description: null, updatedAt: now } }]));

  it("answers another user's project as not found (404, never 403)", () => {
    given([created])
      .when({ type: 'UpdateProject', userId: 'u2', name: 'mine now', now })
      .thenThrows({ code: 'NOT_FOUND' });
    given([created]).when({ type: 'DeleteProject', userId: 'u2', now }).thenThrows({ code: 'NOT_FOUND' });
  });

  it('deletes a project once; a deleted project is not found', () => {
    const deleted: ProjectEvent = {
      type: 'ProjectDeleted',
      data: { projectId: 'p1', userId: 'u1', deletedAt: now },
    };
    given([created]).when({ type: 'DeleteProject', userId: 'u1', now }).then([deleted]);
    given([created, deleted])
      .when({ type: 'DeleteProject', userId: 'u1', now })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
