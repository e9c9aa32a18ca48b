import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo projects (content service). Stream `project-<id>`, aggregate `project`. Deleting a project
// is one event that every feature of the project reads: its sources, posts, links and jobs go with
// it (each feature's projection, and whoever stores files, react to ProjectDeleted).

const id = z.string().min(1);
const at = z.iso.datetime();

export const ProjectCreated = defineEvent({
  type: 'ProjectCreated',
  version: 1,
  domain: 'content',
  aggregate: 'project',
  description: 'A Serelo user created a project.',
  schema: z.object({
    projectId: id,
    userId: id,
    name: z.string().min(1).max(200),
    description: z.string().max(1000).nullable(),
    createdAt: at,
  }),
});

export const ProjectUpdated = defineEvent({
  type: 'ProjectUpdated',
  version: 1,
  domain: 'content',
  aggregate: 'project',
  description: 'A project was renamed or its description changed (absent fields are unchanged).',
  schema: z.object({
    projectId: id,
    name: z.string().min(1).max(200).optional(),
    description: z.string().max(1000).nullable().optional(),
    updatedAt: at,
  }),
});

export const ProjectDeleted = defineEvent({
  type: 'ProjectDeleted',
  version: 1,
  domain: 'content',
  aggregate: 'project',
  description:
    'A project was deleted with everything in it: its sources, posts, link opportunities and jobs; running jobs are cancelled.',
  schema: z.object({ projectId: id, userId: id, deletedAt: at }),
});

export const projectEvents = [ProjectCreated, ProjectUpdated, ProjectDeleted] as const;
