import { auditLogLimitInput, auditLogOffsetInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { AuditLogFields, auditLogSchema, auditLogToRest } from './shapes/audit-log.js';
import { organizationParams as orgParams } from './shapes/organization.js';

// SerenAI "Audit Logs" (identity): a projection of every service's events. Newest first.

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
        // identity's own page rules (1 to 100, default 50): refused alike over REST and GraphQL
        limit: auditLogLimitInput.optional(),
        offset: auditLogOffsetInput.optional(),
      }),
    },
    operation: graphql(
      `
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
      `,
      [AuditLogFields],
    ),
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
      limit: query.limit ?? null,
      offset: query.offset ?? null,
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
        return dataResponse({ logs: page.items.map(auditLogToRest), ...pagination }, pagination);
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
    operation: graphql(
      `
        query SerenaiGetAuditLog($org: ID!, $id: ID!) {
          auditLog(organizationId: $org, id: $id) {
            ...AuditLogFields
          }
        }
      `,
      [AuditLogFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, id: params.log_id }),
    response: {
      status: 200,
      description: 'Audit log retrieved successfully',
      schema: dataResponseSchema(auditLogSchema),
      body: (data) => dataResponse(auditLogToRest(data.auditLog)),
    },
    errors: [403, 404],
  }),
];
