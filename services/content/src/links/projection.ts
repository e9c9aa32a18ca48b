import type { EventOf, ProjectDeleted } from '@seren/contracts';
import { defineProjection } from '@seren/event-store';
import type { LinkOpportunityEvent } from './link-opportunity.js';

/** `link_opportunities`: a project's links (removed with the project). */
export const linkOpportunitiesProjection = defineProjection<
  LinkOpportunityEvent | EventOf<[typeof ProjectDeleted]>
>({
  name: 'link_opportunities',
  handles: ['LinkOpportunityCreated', 'LinkOpportunityDeleted', 'ProjectDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'LinkOpportunityCreated': {
        const d = event.data;
        await manager.query(
          `insert into link_opportunities (id, project_id, user_id, target_url, keywords, anchor_text, created_at)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [d.opportunityId, d.projectId, d.userId, d.targetUrl, d.keywords, d.anchorText, d.createdAt],
        );
        return;
      }
      case 'LinkOpportunityDeleted':
        await manager.query(`delete from link_opportunities where id = $1`, [event.data.opportunityId]);
        return;
      case 'ProjectDeleted':
        await manager.query(`delete from link_opportunities where project_id = $1`, [event.data.projectId]);
        return;
      default:
        return;
    }
  },
});
