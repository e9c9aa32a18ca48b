import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { getAuditLog, listAuditLogs, type AuditLogFilter, type AuditLogView } from './service.js';

export function auditLogResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      auditLogs: resolver<{
        organizationId: string;
        filter?: AuditLogFilter | null;
        limit?: number | null;
        offset?: number | null;
      }>(identity, (i, request, args) =>
        listAuditLogs(i, request, args.organizationId, args.filter ?? {}, {
          limit: args.limit,
          offset: args.offset,
        }),
      ),
      auditLog: resolver<{ organizationId: string; id: string }>(identity, (i, request, args) =>
        getAuditLog(i, request, args.organizationId, args.id),
      ),
    },
    AuditLog: {
      details: (log: AuditLogView) => JSON.stringify(log.details),
    },
  };
}
