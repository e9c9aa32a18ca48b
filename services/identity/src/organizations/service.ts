import { randomUUID } from 'node:crypto';
import {
  eventMetadataOf,
  forbidden,
  handle,
  notFound,
  transaction,
  validationError,
} from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import {
  deleteCredential,
  findCredentialByHash,
  iso,
  storeCredential,
  type Identity,
} from '../platform/app.js';
import { randomToken, sha256 } from '../platform/crypto.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { inviteMail } from '../mail/messages.js';
import { BUILTIN_ROLES, DEFAULT_MEMBER_ROLE, builtinRole } from '../roles/catalog.js';
import { emailSchema, getUser, valid } from '../users/service.js';
import { accessTo, authorize, isBound, membershipOf, requireOrgPermission } from './access.js';
import { organizationDecider, type OrganizationCommand } from './decide.js';
import { organizationStream, type OrganizationKind } from './organization.js';

export interface OrganizationView {
  id: string;
  kind: OrganizationKind;
  name: string;
  parentId: string | null;
  ownerId: string;
  createdAt: string;
  updatedAt: string;
}

export interface MemberView {
  organizationId: string;
  userId: string;
  roleId: string;
  joinedAt: string;
}

export interface InviteView {
  id: string;
  organizationId: string;
  email: string;
  roleId: string;
  status: 'pending' | 'accepted' | 'expired';
  invitedBy: string | null;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
}

type Row = Record<string, unknown>;

const toOrganization = (r: Row): OrganizationView => ({
  id: r.id as string,
  kind: r.kind as OrganizationKind,
  name: r.name as string,
  parentId: (r.parent_id as string | null) ?? null,
  ownerId: r.owner_user_id as string,
  createdAt: iso(r.created_at as Date)!,
  updatedAt: iso(r.updated_at as Date)!,
});

const toMember = (r: Row): MemberView => ({
  organizationId: r.organization_id as string,
  userId: r.user_id as string,
  roleId: r.role_id as string,
  joinedAt: iso(r.joined_at as Date)!,
});

const toInvite = (r: Row, now: Date): InviteView => ({
  id: r.id as string,
  organizationId: r.organization_id as string,
  email: r.email as string,
  roleId: r.role_id as string,
  status:
    r.status === 'pending' && (r.expires_at as Date) <= now
      ? 'expired'
      : (r.status as 'pending' | 'accepted'),
  invitedBy: (r.invited_by as string | null) ?? null,
  createdAt: iso(r.created_at as Date)!,
  expiresAt: iso(r.expires_at as Date)!,
  acceptedAt: iso(r.accepted_at as Date | null),
});

export function handleOrganization(
  identity: Identity,
  manager: EntityManager | undefined,
  organizationId: string,
  command: OrganizationCommand,
  request: RequestInfo,
) {
  return handle(
    identity,
    manager,
    organizationStream(organizationId),
    organizationDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

// ---- reads ---------------------------------------------------------------------------------

export async function findOrganization(
  identity: Identity,
  id: string,
  manager?: EntityManager,
): Promise<OrganizationView | undefined> {
  const rows: Row[] = await (manager ?? identity.dataSource.manager).query(
    `select * from organizations where id = $1`,
    [id],
  );
  return rows[0] && toOrganization(rows[0]);
}

export async function organizationsByIds(
  identity: Identity,
  ids: readonly string[],
): Promise<Map<string, OrganizationView>> {
  if (ids.length === 0) return new Map();
  const rows: Row[] = await identity.dataSource.query(`select * from organizations where id = any($1)`, [
    ids,
  ]);
  return new Map(rows.map((r) => [r.id as string, toOrganization(r)]));
}

/** GET /organizations: where the caller is a member (and the locations of their agencies); an API key sees its own. */
export async function listOrganizations(
  identity: Identity,
  request: RequestInfo,
): Promise<OrganizationView[]> {
  const userId = callerUserId(request);
  const { caller } = request;
  const rows: Row[] = await identity.dataSource.query(
    `select distinct o.*, (o.id = u.personal_organization_id) as personal
     from organizations o
     join members m on m.user_id = $1 and (m.organization_id = o.id or m.organization_id = o.parent_id)
     join users u on u.id = $1
     order by personal desc, o.created_at, o.id`,
    [userId],
  );
  const all = rows.map(toOrganization);
  return isBound(caller) ? all.filter((o) => o.id === caller.organizationId) : all;
}

/** One organization the caller belongs to (403 otherwise). */
export async function getOrganization(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<OrganizationView> {
  const membership = await accessTo(identity, request, idOrDefault);
  return (await findOrganization(identity, membership.organizationId))!;
}

export async function childrenOf(identity: Identity, organizationId: string): Promise<OrganizationView[]> {
  const rows: Row[] = await identity.dataSource.query(
    `select * from organizations where parent_id = $1 order by created_at, id`,
    [organizationId],
  );
  return rows.map(toOrganization);
}

export async function listMembers(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<MemberView[]> {
  const membership = await authorize(identity, request, idOrDefault, 'org.read');
  const rows: Row[] = await identity.dataSource.query(
    `select * from members where organization_id = $1 order by joined_at, user_id`,
    [membership.organizationId],
  );
  return rows.map(toMember);
}

export async function listInvites(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
): Promise<InviteView[]> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_members');
  const rows: Row[] = await identity.dataSource.query(
    `select * from invites where organization_id = $1 order by created_at desc, id`,
    [membership.organizationId],
  );
  const now = identity.now();
  return rows.map((r) => toInvite(r, now));
}

// ---- writes --------------------------------------------------------------------------------

/** Creates a personal organization for a new user, inside the registration's transaction. */
export async function createPersonalOrganization(
  identity: Identity,
  manager: EntityManager,
  input: { organizationId: string; ownerUserId: string; name: string },
  request: RequestInfo,
) {
  await handleOrganization(
    identity,
    manager,
    input.organizationId,
    {
      type: 'CreateOrganization',
      organizationId: input.organizationId,
      kind: 'personal',
      name: input.name,
      parentOrganizationId: null,
      ownerUserId: input.ownerUserId,
      now: identity.now().toISOString(),
    },
    request,
  );
}

/** A SerenAI organization, a Serebro agency, or a location under an agency (needs org.manage_locations there). */
export async function createOrganization(
  identity: Identity,
  request: RequestInfo,
  input: { name: string; kind: 'team' | 'agency' | 'location'; parentId?: string },
): Promise<OrganizationView> {
  const userId = callerUserId(request);
  if (isBound(request.caller) && input.kind !== 'location')
    throw forbidden('API keys and integration tokens cannot create organizations');
  let parentId: string | null = null;
  if (input.kind === 'location') {
    const parent = await authorize(identity, request, input.parentId ?? '', 'org.manage_locations');
    const agency = await findOrganization(identity, parent.organizationId);
    if (agency?.kind !== 'agency')
      throw validationError('locations belong to an agency', { field: 'agencyId' });
    parentId = agency.id;
  }
  const organizationId = randomUUID();
  await handleOrganization(
    identity,
    undefined,
    organizationId,
    {
      type: 'CreateOrganization',
      organizationId,
      kind: input.kind,
      name: input.name,
      parentOrganizationId: parentId,
      ownerUserId: userId,
      now: identity.now().toISOString(),
    },
    request,
  );
  return (await findOrganization(identity, organizationId))!;
}

/** A role named by id or name (built-in names, `member`, or a custom role of the organization). */
export async function resolveRole(
  identity: Identity,
  organizationId: string,
  ref: { roleId?: string | null; roleName?: string | null },
): Promise<string> {
  if (ref.roleId) {
    if (builtinRole(ref.roleId)) return builtinRole(ref.roleId)!.id;
    const rows: Row[] = await identity.dataSource.query(
      `select id from roles where id = $1 and organization_id = $2`,
      [ref.roleId, organizationId],
    );
    if (!rows[0]) throw notFound('role');
    return ref.roleId;
  }
  const name = ref.roleName?.trim();
  if (!name) throw validationError('either role_id or role_name must be provided', { field: 'role_id' });
  if (name.toLowerCase() === 'member') return DEFAULT_MEMBER_ROLE;
  const builtin = BUILTIN_ROLES.find((r) => r.name === name.toLowerCase());
  if (builtin) return builtin.id;
  const rows: Row[] = await identity.dataSource.query(
    `select id from roles where organization_id = $1 and lower(name) = lower($2)`,
    [organizationId, name],
  );
  if (!rows[0]) throw notFound('role');
  return rows[0].id as string;
}

/** POST /organizations/{id}/invites: records the invite and mails its link (the token is never returned). */
export async function createInvite(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  input: { email: string; role?: string | null },
): Promise<InviteView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_members');
  const email = valid(emailSchema, input.email, 'email');
  const roleId = await resolveRole(identity, membership.organizationId, {
    roleName: input.role ?? DEFAULT_MEMBER_ROLE,
  }).catch((error) => {
    throw (error as { code?: string }).code === 'NOT_FOUND'
      ? validationError('unknown role', { field: 'role' })
      : error;
  });
  const inviteId = randomUUID();
  const token = randomToken();
  const now = identity.now();
  const expiresAt = new Date(now.getTime() + identity.config.INVITE_TTL_DAYS * 86_400_000).toISOString();
  const organization = (await findOrganization(identity, membership.organizationId))!;
  await transaction(identity, async (manager) => {
    await handleOrganization(
      identity,
      manager,
      membership.organizationId,
      {
        type: 'CreateInvite',
        inviteId,
        email,
        roleId,
        invitedBy: membership.userId,
        now: now.toISOString(),
        expiresAt,
      },
      request,
    );
    await storeCredential(manager, {
      kind: 'invite',
      id: inviteId,
      subjectId: membership.organizationId,
      hash: sha256(token),
    });
  });
  const inviter = await getUser(identity, membership.userId);
  await identity.mailer.send(
    inviteMail(identity.config.CONSOLE_URL, email, organization.name, inviter.name, token),
  );
  const rows: Row[] = await identity.dataSource.query(`select * from invites where id = $1`, [inviteId]);
  return toInvite(rows[0]!, identity.now());
}

/** Accepts an invite with the token from its mail, if the caller's verified address is the invite's; the caller becomes a member. */
export async function acceptInvite(
  identity: Identity,
  request: RequestInfo,
  token: string,
): Promise<MemberView> {
  const userId = callerUserId(request);
  return transaction(identity, async (manager) => {
    const credential = await findCredentialByHash(manager, 'invite', sha256(token));
    if (!credential) throw notFound('invite');
    const user = await getUser(identity, userId, manager);
    await handleOrganization(
      identity,
      manager,
      credential.subjectId,
      {
        type: 'AcceptInvite',
        inviteId: credential.id,
        userId,
        verifiedEmail: user.emailVerified ? user.email : null,
        now: identity.now().toISOString(),
      },
      request,
    );
    await deleteCredential(manager, 'invite', credential.id);
    const rows: Row[] = await manager.query(
      `select * from members where organization_id = $1 and user_id = $2`,
      [credential.subjectId, userId],
    );
    return toMember(rows[0]!);
  });
}

/** PUT /organizations/{id}/members/{member_id}/role. Only an owner may make or unmake owners. */
export async function assignRole(
  identity: Identity,
  request: RequestInfo,
  idOrDefault: string,
  memberId: string,
  input: { roleId?: string | null; roleName?: string | null },
): Promise<MemberView> {
  const membership = await authorize(identity, request, idOrDefault, 'org.manage_members');
  const organizationId = membership.organizationId;
  const roleId = await resolveRole(identity, organizationId, input);
  const target = await membershipOf(identity, memberId, organizationId);
  if (!target || target.via) throw notFound('member');
  if ((roleId === 'owner' || target.roleId === 'owner') && membership.roleId !== 'owner') {
    throw forbidden('only an owner can grant or take away the owner role', {
      permission: 'org.manage_members',
    });
  }
  await handleOrganization(
    identity,
    undefined,
    organizationId,
    { type: 'AssignRole', userId: memberId, roleId, now: identity.now().toISOString() },
    request,
  );
  const rows: Row[] = await identity.dataSource.query(
    `select * from members where organization_id = $1 and user_id = $2`,
    [organizationId, memberId],
  );
  return toMember(rows[0]!);
}

export { requireOrgPermission };
