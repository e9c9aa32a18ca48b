import { defineProjection } from '@seren/event-store';
import type { OpportunityEvent } from './opportunity.js';

/** `opportunities`: what opportunity queries read, written in each append's transaction. */
export const opportunitiesProjection = defineProjection<OpportunityEvent>({
  name: 'opportunities',
  handles: [
    'OpportunityCreated',
    'OpportunityUpdated',
    'OpportunityStageChanged',
    'OpportunityStatusChanged',
    'OpportunityDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'OpportunityCreated': {
        const d = event.data;
        await manager.query(
          `insert into opportunities (id, location_id, name, pipeline_id, pipeline_stage_id, status, monetary_value,
                                      contact_id, assigned_to, source, last_status_change_at, last_stage_change_at,
                                      created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $11, $11)`,
          [
            d.opportunityId,
            d.locationId,
            d.name,
            d.pipelineId,
            d.pipelineStageId,
            d.status,
            d.monetaryValue,
            d.contactId,
            d.assignedTo,
            d.source,
            d.createdAt,
          ],
        );
        return;
      }
      case 'OpportunityUpdated': {
        const d = event.data;
        await manager.query(
          `update opportunities set
             name = coalesce($2, name),
             monetary_value = case when $3 then $4::numeric else monetary_value end,
             assigned_to = case when $5 then $6 else assigned_to end,
             source = case when $7 then $8 else source end,
             contact_id = coalesce($9, contact_id),
             updated_at = $10
           where id = $1`,
          [
            d.opportunityId,
            d.name ?? null,
            d.monetaryValue !== undefined,
            d.monetaryValue ?? null,
            d.assignedTo !== undefined,
            d.assignedTo ?? null,
            d.source !== undefined,
            d.source ?? null,
            d.contactId ?? null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'OpportunityStageChanged': {
        const d = event.data;
        await manager.query(
          `update opportunities set pipeline_id = $2, pipeline_stage_id = $3, last_stage_change_at = $4, updated_at = $4
           where id = $1`,
          [d.opportunityId, d.pipelineId, d.pipelineStageId, d.changedAt],
        );
        return;
      }
      case 'OpportunityStatusChanged': {
        const d = event.data;
        await manager.query(
          `update opportunities set status = $2, last_status_change_at = $3, updated_at = $3 where id = $1`,
          [d.opportunityId, d.status, d.changedAt],
        );
        return;
      }
      case 'OpportunityDeleted':
        await manager.query(`delete from opportunities where id = $1`, [event.data.opportunityId]);
        return;
      default:
        return;
    }
  },
});
