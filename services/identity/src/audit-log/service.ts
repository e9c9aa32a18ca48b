import { auditLogLimitInput, auditLogOffsetInput, DEFAULT_AUDIT_LOG_LIMIT } from '@seren/contracts';
import { notFound, validationError } from '@seren/service-kit';
import { iso, type Identity } from '../platform/app.js';
import type { RequestInfo } from '../platform/request.js';
import { validOptional } from '../inputs.js';
import { authorize } from '../organizations/access.js';

export interface AuditLogView {
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
  details: Record<string, unknown>;
  eventId: string;
  eventType: string;
  source: string;
  createdAt: string;
}

export interface AuditLogFilter {
  actorId?: string | null;
  action?: string | null;
  resourceType?: string | null;
  resourceId?: string | null;
  status?: string | null;
  actionCategory?: string | null;
  startDate?: string | null;
  endDate?: string | null;
}

type Row = Record<string, unknown>;

const toView = (r: Row): AuditLogView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  actorId: (r.actor_id as string | null) ?? null,
  actorType: (r.actor_type as string | null) ?? null,
  action: r.action as string,
  actionCategory: r.action_category as string,
  resourceType: r.resource_type as string,
  resourceId: (r.resource_id as string | null) ?? null,
  status: r.status as string,
  ipAddress: (r.ip_address as string | null) ?? null,
  userAgent: (r.user_agent as string | null) ?? null,
  details: r.details as Record<string, unknown>,
  eventId: r.event_id as string,
  eventType: r.event_type as string,
  source: r.source as string,
  createdAt: iso(r.created_at as Date)!,
});

function date(value: string | null | undefined, field: string): Date | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) throw validationError(`${field} must be an ISO 8601 date`, { field });
  return parsed;
}

/** GET /organizations/{id}/audit-logs: newest first; `limit` 1 to 100 (default 50), else a 400. */
export async function listAuditLogs(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  filter: AuditLogFilter = {},
  page: { limit?: number | null; offset?: number | null } = {},
): Promise<{ items: AuditLogView[]; total: number; limit: number; offset: number }> {
  const membership = await authorize(
    identity,
    request,
    idOrDefault,
    'org.view_audit_logs',
    'not_found_or_forbidden',
  );
  // An out-of-range page is refused, not clamped: REST and GraphQL answer it alike (400 VALIDATION_ERROR).
  const limit = validOptional(auditLogLimitInput, page.limit, 'limit') ?? DEFAULT_AUDIT_LOG_LIMIT;
  const offset = validOptional(auditLogOffsetInput, page.offset, 'offset') ?? 0;
  const where = ['organization_id = $1'];
  const params: unknown[] = [membership.organizationId];
  const add = (sql: string, value: unknown) => {
    if (value === undefined || value === null || value === '') return;
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  add('actor_id = ?', filter.actorId);
  add('action = ?', filter.action);
  add('resource_type = ?', filter.resourceType);
  add('resource_id = ?', filter.resourceId);
  add('status = ?', filter.status);
  add('action_category = ?', filter.actionCategory);
  add('created_at >= ?', date(filter.startDate, 'start_date'));
  add('created_at <= ?', date(filter.endDate, 'end_date'));
  const clause = where.join(' and ');
  const [{ total }] = (await identity.dataSource.query(
    `select count(*)::int as total from audit_logs where ${clause}`,
    params,
  )) as [{ total: number }];
  const rows: Row[] = await identity.dataSource.query(
    `select * from audit_logs where ${clause} order by created_at desc, id desc limit ${limit} offset ${offset}`,
    params,
  );
  return { items: rows.map(toView), total, limit, offset };
}

export async function getAuditLog(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  logId: string,
): Promise<AuditLogView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.view_audit_logs');
  if (!/^[0-9a-f-]{36}$/i.test(logId)) throw notFound('audit log');
  const rows: Row[] = await identity.dataSource.query(
    `select * from audit_logs where id = $1 and organization_id = $2`,
    [logId, membership.organizationId],
  );
  if (!rows[0]) throw notFound('audit log');
  return toView(rows[0]);
}
