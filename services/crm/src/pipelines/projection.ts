import { defineProjection } from '@seren/event-store';
import type { PipelineEvent } from './pipeline.js';
import { defaultPipelineId } from './pipeline.js';

/** `pipelines`: what pipeline queries read (the stages as one ordered jsonb list), in each append's transaction. */
export const pipelinesProjection = defineProjection<PipelineEvent>({
  name: 'pipelines',
  handles: ['PipelineCreated', 'PipelineUpdated', 'PipelineDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'PipelineCreated': {
        const d = event.data;
        await manager.query(
          `insert into pipelines (id, location_id, name, stages, is_default, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6)`,
          [
            d.pipelineId,
            d.locationId,
            d.name,
            JSON.stringify(d.stages),
            d.pipelineId === defaultPipelineId(d.locationId),
            d.createdAt,
          ],
        );
        return;
      }
      case 'PipelineUpdated': {
        const d = event.data;
        await manager.query(
          `update pipelines set name = coalesce($2, name), stages = coalesce($3::jsonb, stages), updated_at = $4 where id = $1`,
          [d.pipelineId, d.name ?? null, d.stages ? JSON.stringify(d.stages) : null, d.updatedAt],
        );
        return;
      }
      case 'PipelineDeleted':
        await manager.query(`delete from pipelines where id = $1`, [event.data.pipelineId]);
        return;
      default:
        return;
    }
  },
});
