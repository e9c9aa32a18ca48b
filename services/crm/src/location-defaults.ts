import { OrganizationCreated, topicFor } from '@seren/contracts';
import type { ConsumerDefinition } from '@seren/service-kit';
import type { Crm } from './application.js';
import { ensureDefaultCalendar } from './calendars/service.js';
import { ensureDefaultPipeline } from './pipelines/service.js';

export const LOCATION_DEFAULTS_GROUP = 'crm.location-defaults';

/**
 * Each new location gets its default pipeline and its default calendar: identity's
 * OrganizationCreated of kind `location` arrives here (Kafka, or identity's events table in the
 * embedded mode), and both are created in the consumer's transaction. Their ids derive from the
 * location, so a redelivered event, or a first use that got there before the event (pipelines and
 * calendars are also made on first use), leaves exactly one of each.
 */
export const locationDefaultsConsumer = (
  crm: Crm,
  groupId = LOCATION_DEFAULTS_GROUP,
): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(OrganizationCreated)],
  events: [OrganizationCreated],
  pollIntervalMs: 250,
  handler: async (event, { manager }) => {
    if (event.type !== 'OrganizationCreated') return;
    const { organizationId, kind } = event.data as { organizationId: string; kind: string };
    if (kind !== 'location') return;
    const metadata = { actor: 'system:crm', causationId: event.id, organizationId };
    await ensureDefaultPipeline(crm, organizationId, metadata, manager);
    await ensureDefaultCalendar(crm, organizationId, metadata, manager);
  },
});
