import { z } from 'zod';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { orgParams } from './organizations.js';

// SerenAI "Audit Logs" (identity): a projection of every service's events. Newest first.

const AUDIT_LOG_FIELDS = /* GraphQL */ `
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
`;

const auditLogSchema = z.object({
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

interface AuditLogData {
  id: string;
  organizationId: string;
  actorId: string | null;
  actorType: string | null;
  action: string;
  actionCategory: string;
  resourceType: string;
  resourceId: string | null;
  status: string;
  ipAddress: string | null;
  userAgent: string | null;
  details: string;
  eventType: string;
  createdAt: string;
}

const auditLogBody = (l: AuditLogData) => ({
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
});

const optional = z.string().nullish();

export const auditLogsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/audit-logs',
    section: 'audit-logs',
    summary: 'List audit logs for an organization',
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: orgParams,
      query: z.object({
        actor_id: optional,
        action: optional,
        resource_type: optional,
        resource_id: optional,
        status: optional,
        action_category: optional,
        start_date: optional,
        end_date: optional,
        limit: z.coerce.number().int().min(1).max(100).default(50),
        offset: z.coerce.number().int().min(0).default(0),
      }),
    },
    operation: /* GraphQL */ `
      query SerenaiListAuditLogs($org: ID!, $filter: AuditLogFilter, $limit: Int, $offset: Int) {
        auditLogs(organizationId: $org, filter: $filter, limit: $limit, offset: $offset) {
          total
          limit
          offset
          items {
            ...AuditLogFields
          }
        }
      }
      ${AUDIT_LOG_FIELDS}
    `,
    variables: ({ params, query }) => ({
      org: params.organization_id,
      filter: {
        actorId: query.actor_id ?? null,
        action: query.action ?? null,
        resourceType: query.resource_type ?? null,
        resourceId: query.resource_id ?? null,
        status: query.status ?? null,
        actionCategory: query.action_category ?? null,
        startDate: query.start_date ?? null,
        endDate: query.end_date ?? null,
      },
      limit: query.limit,
      offset: query.offset,
    }),
    response: {
      status: 200,
      description: 'Audit logs retrieved successfully',
      schema: dataResponseSchema(
        z.object({
          logs: z.array(auditLogSchema),
          total: z.number().int(),
          limit: z.number().int(),
          offset: z.number().int(),
        }),
      ),
      body: ({ auditLogs: page }) => {
        const pagination = { total: page.total, limit: page.limit, offset: page.offset };
        return dataResponse({ logs: page.items.map(auditLogBody), ...pagination }, pagination);
      },
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/audit-logs/{log_id}',
    section: 'audit-logs',
    summary: 'Get a specific audit log entry',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams.extend({ log_id: z.string().min(1) }) },
    operation: /* GraphQL */ `
      query SerenaiGetAuditLog($org: ID!, $id: ID!) {
        auditLog(organizationId: $org, id: $id) {
          ...AuditLogFields
        }
      }
      ${AUDIT_LOG_FIELDS}
    `,
    variables: ({ params }) => ({ org: params.organization_id, id: params.log_id }),
    response: {
      status: 200,
      description: 'Audit log retrieved successfully',
      schema: dataResponseSchema(auditLogSchema),
      body: (data) => dataResponse(auditLogBody(data.auditLog)),
    },
    errors: [403, 404],
  }),
];
