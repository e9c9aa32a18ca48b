import { BOUND_CREDENTIALS, forbidden, notFound, validationError, type Caller } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { builtinRole } from '../roles/catalog.js';

export interface Membership {
  organizationId: string;
  userId: string;
  roleId: string;
  permissions: string[];
  /** set when the membership is inherited from the parent agency (locations) */
  via?: string;
}

/**
 * How a route answers a caller who is not a member: the spec says 403 for most, 404 for some, and
 * both for one (the audit log: 404 "Organization not found", 403 "not a member of this organization").
 */
export type Denial = 'forbidden' | 'not_found' | 'not_found_or_forbidden';

async function deny(identity: Identity, organizationId: string, how: Denial) {
  if (how === 'not_found') return notFound('organization');
  if (how === 'not_found_or_forbidden') {
    const rows: unknown[] = await identity.dataSource.query(`select 1 from organizations where id = $1`, [
      organizationId,
    ]);
    if (rows.length === 0) return notFound('organization');
  }
  return forbidden('not a member of this organization');
}

/** The user's default organization: the first one they joined (their personal one). */
export async function defaultOrganizationOf(
  identity: Identity,
  userId: string,
  manager?: EntityManager,
): Promise<string | undefined> {
  const rows: { organization_id: string }[] = await (manager ?? identity.dataSource.manager).query(
    `select m.organization_id from members m join users u on u.id = m.user_id
     where m.user_id = $1 order by (m.organization_id = u.personal_organization_id) desc, m.joined_at limit 1`,
    [userId],
  );
  return rows[0]?.organization_id;
}

/**
 * Resolves `default` in a path: an API key's own organization, else the user's default one.
 * A 400 "User has no organization" when there is none.
 */
export async function resolveOrganizationId(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<string> {
  if (idOrDefault !== 'default') return idOrDefault;
  const found = await resolveDefaultOrganization(identity, request);
  // The spec's 400 "User has no organization": the request cannot name one, nothing is missing.
  if (!found) throw validationError('User has no organization', { reason: 'NO_ORGANIZATION' });
  return found;
}

/** The caller's default organization: an API key's own organization, else the user's default one. */
export async function resolveDefaultOrganization(
  identity: Identity,
  request: RequestInfo,
): Promise<string | undefined> {
  if (isBound(request.caller) && request.caller.organizationId) return request.caller.organizationId;
  return defaultOrganizationOf(identity, callerUserId(request));
}

export async function permissionsOfRole(
  identity: Identity,
  organizationId: string,
  roleId: string,
  manager?: EntityManager,
): Promise<string[]> {
  const builtin = builtinRole(roleId);
  if (builtin) return [...builtin.permissions];
  const rows: { permissions: string[] }[] = await (manager ?? identity.dataSource.manager).query(
    `select permissions from roles where id = $1 and organization_id = $2`,
    [roleId, organizationId],
  );
  return rows[0]?.permissions ?? [];
}

/** A user's membership in an organization, or in its parent agency for a location. */
export async function membershipOf(
  identity: Identity,
  userId: string,
  organizationId: string,
  manager?: EntityManager,
): Promise<Membership | undefined> {
  const rows: { organization_id: string; role_id: string; direct: boolean }[] = await (
    manager ?? identity.dataSource.manager
  ).query(
    `select m.organization_id, m.role_id, m.organization_id = $2 as direct
     from organizations o join members m on m.organization_id in (o.id, o.parent_id) and m.user_id = $1
     where o.id = $2 order by direct desc limit 1`,
    [userId, organizationId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    organizationId,
    userId,
    roleId: row.role_id,
    permissions: await permissionsOfRole(identity, row.organization_id, row.role_id, manager),
    via: row.direct ? undefined : row.organization_id,
  };
}

/**
 * An organization-bound credential: an API key, or a Serebro OAuth token or private integration
 * token. It acts only in its organization (for a Serebro agency credential, the location the edge
 * resolved: see authentication/authenticate.ts `locate`), never beyond the permissions it carries
 * (none for OAuth tokens and PITs: their scopes, checked at the edge, bound them).
 */
export const isBound = (caller: Caller) => !!caller.via && BOUND_CREDENTIALS.includes(caller.via);

/**
 * The caller's membership in the organization named by the path (`default` allowed). An API key
 * works only in its own organization and never beyond the permissions the gateway put on it.
 */
export async function accessTo(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  denial: Denial = 'forbidden',
): Promise<Membership> {
  const userId = callerUserId(request);
  const organizationId = await resolveOrganizationId(identity, request, idOrDefault);
  const { caller } = request;
  if (isBound(caller) && caller.organizationId !== organizationId)
    throw await deny(identity, organizationId, denial);
  const membership = await membershipOf(identity, userId, organizationId);
  if (!membership) throw await deny(identity, organizationId, denial);
  if (isBound(caller))
    membership.permissions = membership.permissions.filter((p) => caller.permissions.includes(p));
  return membership;
}

export function requireOrgPermission(membership: Membership, permission: string): void {
  if (!membership.permissions.includes(permission))
    throw forbidden(`requires ${permission} permission`, { permission });
}

/** accessTo + requireOrgPermission. */
export async function authorize(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  permission: string,
  denial: Denial = 'forbidden',
) {
  const membership = await accessTo(identity, request, idOrDefault, denial);
  requireOrgPermission(membership, permission);
  return membership;
}
