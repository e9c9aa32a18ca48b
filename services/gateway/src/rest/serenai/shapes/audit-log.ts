import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's audit log entry: a projection of every service's events. `details` travels through the
// graph as a JSON string and is an object in the REST body.

export const AuditLogFields = graphql(`
  fragment AuditLogFields on AuditLog {
    id
    organizationId
    actorId
    actorType
    action
    actionCategory
    resourceType
    resourceId
    status
    ipAddress
    userAgent
    details
    eventType
    createdAt
  }
`);

export const auditLogSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  actor_id: z.string().nullable(),
  actor_type: z.string().nullable(),
  action: z.string().meta({ examples: ['api_key.create'] }),
  action_category: z.string(),
  resource_type: z.string(),
  resource_id: z.string().nullable(),
  status: z.string(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  event_type: z.string(),
  created_at: z.string(),
});

export function auditLogToRest(ref: FragmentOf<typeof AuditLogFields>): z.input<typeof auditLogSchema> {
  const l = readFragment(AuditLogFields, ref);
  return {
    id: l.id,
    organization_id: l.organizationId,
    actor_id: l.actorId,
    actor_type: l.actorType,
    action: l.action,
    action_category: l.actionCategory,
    resource_type: l.resourceType,
    resource_id: l.resourceId,
    status: l.status,
    ip_address: l.ipAddress,
    user_agent: l.userAgent,
    details: JSON.parse(l.details) as Record<string, unknown>,
    event_type: l.eventType,
    created_at: l.createdAt,
  };
}
