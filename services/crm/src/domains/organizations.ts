import { OrganizationCreated, topicFor } from '@seren/contracts';
import type { ConsumerDefinition } from '@seren/service-kit';
import type { Crm } from '../application.js';

export const DOMAIN_ORGANIZATIONS_GROUP = 'crm.domain-organizations';

/**
 * The crm's small read model of identity's organizations (`organizations`: kind and parent): a
 * location's generated links fall back to its agency's domain, and an agency's branded host serves
 * its locations, so the crm must know which agency a location belongs to. Fed by identity's
 * OrganizationCreated (agencies and locations only; a location's parent is its agency, and
 * identity does not move locations between agencies). Redelivery writes the same row.
 */
export const domainOrganizationsConsumer = (
  crm: Crm,
  groupId = DOMAIN_ORGANIZATIONS_GROUP,
): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(OrganizationCreated)],
  events: [OrganizationCreated],
  pollIntervalMs: 250,
  handler: async (event, { manager }) => {
    if (event.type !== 'OrganizationCreated') return;
    const { organizationId, kind, parentOrganizationId } = event.data as {
      organizationId: string;
      kind: string;
      parentOrganizationId: string | null;
    };
    if (kind !== 'agency' && kind !== 'location') return;
    await (manager ?? crm.dataSource.manager).query(
      `insert into organizations (id, kind, parent_id) values ($1, $2, $3) on conflict (id) do nothing`,
      [organizationId, kind, parentOrganizationId],
    );
  },
});
