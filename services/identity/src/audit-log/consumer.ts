import { allEvents, topicFor } from '@seren/contracts';
import type { ConsumedEvent } from '@seren/event-store';
import type { ConsumerDefinition } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { auditActionOf } from './actions.js';

export const AUDIT_LOG_GROUP = 'identity.audit-log';

/** Every topic of the suite's contracts: the audit log covers every service's events as they land. */
export const auditTopics = () => [...new Set(allEvents.map(topicFor))];

/**
 * Writes one audit entry per event. Events that name an organization land in it; user-level events
 * (logins, password changes) land in the user's personal organization.
 */
export async function recordAuditEntry(event: ConsumedEvent, manager: EntityManager): Promise<void> {
  const entry = auditActionOf(event);
  // actor, organization, client address and user agent: CloudEvents extension headers on Kafka, the
  // events' metadata column in PostgreSQL mode; the same for every service's events.
  const { metadata } = event;
  let organizationId = entry.organizationId ?? metadata.organizationId;
  if (!organizationId && entry.userId) {
    const rows: { personal_organization_id: string }[] = await manager.query(
      `select personal_organization_id from users where id = $1`,
      [entry.userId],
    );
    organizationId = rows[0]?.personal_organization_id;
  }
  if (!organizationId) return;
  const [actorType, ...rest] = (metadata.actor ?? '').split(':');
  const actorId = rest.join(':') || null;
  await manager.query(
    `insert into audit_logs (organization_id, event_id, event_type, source, actor_id, actor_type, action, action_category,
                             resource_type, resource_id, status, ip_address, user_agent, details, created_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
     on conflict (event_id) do nothing`,
    [
      organizationId,
      event.id,
      event.type,
      event.source,
      actorId,
      actorType || null,
      entry.action,
      entry.category,
      entry.resourceType,
      entry.resourceId,
      entry.status,
      metadata.ipAddress ?? null,
      metadata.userAgent ?? null,
      JSON.stringify(event.data ?? {}),
      event.time,
    ],
  );
}

/**
 * The audit-log consumer: every topic of the suite, from Kafka when KAFKA_BROKERS is set, else from
 * the services' events tables (startDomainService picks the transport).
 */
export const auditLogConsumer = (groupId = AUDIT_LOG_GROUP): ConsumerDefinition => ({
  groupId,
  topics: auditTopics(),
  pollIntervalMs: 250,
  handler: (event, { manager }) => recordAuditEntry(event as ConsumedEvent, manager),
});
