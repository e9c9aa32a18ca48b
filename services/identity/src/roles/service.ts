import { randomUUID } from 'node:crypto';
import { notFound, validationError } from '@seren/service-kit';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { accessTo, authorize } from '../organizations/access.js';
import { handleOrganization } from '../organizations/service.js';
import {
  BUILTIN_ROLES,
  CATALOG_CREATED_AT,
  PERMISSIONS,
  builtinRole,
  type PermissionDefinition,
} from './catalog.js';

export interface RoleView {
  id: string;
  organizationId: string | null;
  name: string;
  description: string | null;
  permissions: string[];
  isBuiltin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PermissionView extends PermissionDefinition {
  id: string;
  createdAt: string;
}

type Row = Record<string, unknown>;

const builtinViews: RoleView[] = BUILTIN_ROLES.map((r) => ({
  id: r.id,
  organizationId: null,
  name: r.name,
  description: r.description,
  permissions: [...r.permissions],
  isBuiltin: true,
  createdAt: CATALOG_CREATED_AT,
  updatedAt: CATALOG_CREATED_AT,
}));

const toRole = (r: Row): RoleView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  name: r.name as string,
  description: (r.description as string | null) ?? null,
  permissions: r.permissions as string[],
  isBuiltin: false,
  createdAt: iso(r.created_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
});

/** A role of an organization (built-in or custom), without access checks. */
export async function findRole(
  identity: Identity,
  organizationId: string,
  roleId: string,
): Promise<RoleView | undefined> {
  const builtin = builtinViews.find((r) => r.id === roleId);
  if (builtin) return builtin;
  const rows: Row[] = await identity.dataSource.query(
    `select * from roles where id = $1 and organization_id = $2`,
    [roleId, organizationId],
  );
  return rows[0] && toRole(rows[0]);
}

/** Roles by (organization, role id), keyed `${organizationId}/${roleId}`: one query for any number (GraphQL's loaders). */
export async function rolesByIds(
  identity: Identity,
  keys: readonly { organizationId: string; roleId: string }[],
): Promise<Map<string, RoleView>> {
  const found = new Map<string, RoleView>();
  const custom = keys.filter((key) => !builtinViews.some((r) => r.id === key.roleId));
  for (const key of keys) {
    const builtin = builtinViews.find((r) => r.id === key.roleId);
    if (builtin) found.set(`${key.organizationId}/${key.roleId}`, builtin);
  }
  if (custom.length === 0) return found;
  const rows: Row[] = await identity.dataSource.query(`select * from roles where id = any($1)`, [
    [...new Set(custom.map((key) => key.roleId))],
  ]);
  for (const role of rows.map(toRole)) found.set(`${role.organizationId}/${role.id}`, role);
  return found;
}

export async function listRoles(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<RoleView[]> {
  const membership = await accessTo(identity, request, idOrDefault);
  const rows: Row[] = await identity.dataSource.query(
    `select * from roles where organization_id = $1 order by created_at, id`,
    [membership.organizationId],
  );
  return [...builtinViews, ...rows.map(toRole)];
}

export async function getRole(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  roleId: string,
): Promise<RoleView> {
  const membership = await accessTo(identity, request, idOrDefault);
  const role = await findRole(identity, membership.organizationId, roleId);
  if (!role) throw notFound('role');
  return role;
}

function permissionList(value: unknown, required: boolean): string[] | undefined {
  if (value === undefined || value === null) {
    if (required) throw validationError('permissions is required', { field: 'permissions' });
    return undefined;
  }
  if (!Array.isArray(value) || value.some((p) => typeof p !== 'string')) {
    throw validationError('permissions must be an array of permission names', { field: 'permissions' });
  }
  return value as string[];
}

export async function createRole(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: { name: string; description?: string | null; permissions: string[] },
): Promise<RoleView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_roles');
  if (typeof input.name !== 'string') throw validationError('name is required', { field: 'name' });
  const roleId = randomUUID();
  await handleOrganization(
    identity,
    undefined,
    membership.organizationId,
    {
      type: 'CreateRole',
      roleId,
      name: input.name,
      description: input.description ?? null,
      permissions: permissionList(input.permissions, true)!,
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findRole(identity, membership.organizationId, roleId))!;
}

export async function updateRole(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  roleId: string,
  input: { name?: string | null; description?: string | null; permissions?: string[] | null },
): Promise<RoleView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_roles');
  if (input.name !== undefined && input.name !== null && typeof input.name !== 'string')
    throw validationError('name must be a string', { field: 'name' });
  await handleOrganization(
    identity,
    undefined,
    membership.organizationId,
    {
      type: 'UpdateRole',
      roleId,
      name: input.name ?? undefined,
      description: input.description,
      permissions: permissionList(input.permissions, false),
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findRole(identity, membership.organizationId, roleId))!;
}

export async function deleteRole(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  roleId: string,
): Promise<void> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_roles');
  await handleOrganization(
    identity,
    undefined,
    membership.organizationId,
    { type: 'DeleteRole', roleId, now: identity.now().toISOString() },
    request,
  );
}

/** GET /permissions: the catalog (any authenticated caller). */
export function listPermissions(request: RequestInfo): PermissionView[] {
  callerUserId(request);
  return PERMISSIONS.map((p) => ({ ...p, id: p.name, createdAt: CATALOG_CREATED_AT }));
}

export async function myPermissions(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<string[]> {
  return (await accessTo(identity, request, idOrDefault)).permissions;
}

export async function checkPermission(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  permission: string,
) {
  const membership = await accessTo(identity, request, idOrDefault);
  return { permission, allowed: membership.permissions.includes(permission) };
}

export { builtinRole };
