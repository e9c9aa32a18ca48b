import { defineProjection } from '@seren/event-store';
import type { ProjectEvent } from './project.js';

/** `projects`: what project queries read, written in each append's transaction. */
export const projectsProjection = defineProjection<ProjectEvent>({
  name: 'projects',
  handles: ['ProjectCreated', 'ProjectUpdated', 'ProjectDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ProjectCreated': {
        const d = event.data;
        await manager.query(
          `insert into projects (id, user_id, name, description, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $5)`,
          [d.projectId, d.userId, d.name, d.description, d.createdAt],
        );
        return;
      }
      case 'ProjectUpdated': {
        const d = event.data;
        await manager.query(
          `update projects set
             name = coalesce($2, name),
             description = case when $3 then $4 else description end,
             updated_at = $5
           where id = $1`,
          [d.projectId, d.name ?? null, d.description !== undefined, d.description ?? null, d.updatedAt],
        );
        return;
      }
      case 'ProjectDeleted':
        await manager.query(`delete from projects where id = $1`, [event.data.projectId]);
        return;
      default:
        return;
    }
  },
});
