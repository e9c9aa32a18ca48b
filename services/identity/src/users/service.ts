import { emailInput, passwordInput, personNameInput } from '@seren/contracts';
import { eventMetadataOf, handle, notFound } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { userDecider, type UserCommand } from './decide.js';
import { userStream } from './user.js';
import { valid } from '../inputs.js';

export interface UserView {
  id: string;
  kind: 'human' | 'agent';
  email: string | null;
  name: string;
  emailVerified: boolean;
  personalOrganizationId: string;
  hasRecoveryCode: boolean;
  recoveryEmail: string | null;
  createdAt: string;
  updatedAt: string;
}

interface UserRow {
  id: string;
  kind: 'human' | 'agent';
  email: string | null;
  name: string;
  email_verified: boolean;
  personal_organization_id: string;
  has_recovery_code: boolean;
  recovery_email: string | null;
  created_at: Date;
  updated_at: Date;
}

const toView = (r: UserRow): UserView => ({
  id: r.id,
  kind: r.kind,
  email: r.email,
  name: r.name,
  emailVerified: r.email_verified,
  personalOrganizationId: r.personal_organization_id,
  hasRecoveryCode: r.has_recovery_code,
  recoveryEmail: r.recovery_email,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

// Serelo's validation rules are identity's shared input schemas (@seren/contracts, identity/inputs.ts),
// under the names the application files import.
export { emailInput as emailSchema, personNameInput as nameSchema, passwordInput as passwordSchema, valid };

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

// ---- reads ---------------------------------------------------------------------------------

export async function findUser(
  identity: Identity,
  userId: string,
  manager?: EntityManager,
): Promise<UserView | undefined> {
  const rows: UserRow[] = await (manager ?? identity.dataSource.manager).query(
    `select * from users where id = $1`,
    [userId],
  );
  return rows[0] && toView(rows[0]);
}

export async function getUser(
  identity: Identity,
  userId: string,
  manager?: EntityManager,
): Promise<UserView> {
  const user = await findUser(identity, userId, manager);
  if (!user) throw notFound('user');
  return user;
}

export async function findUserByEmail(
  identity: Identity,
  email: string,
  manager?: EntityManager,
): Promise<UserView | undefined> {
  const rows: UserRow[] = await (manager ?? identity.dataSource.manager).query(
    `select * from users where lower(email) = lower($1)`,
    [email.trim()],
  );
  return rows[0] && toView(rows[0]);
}

export async function usersByIds(identity: Identity, ids: readonly string[]): Promise<Map<string, UserView>> {
  if (ids.length === 0) return new Map();
  const rows: UserRow[] = await identity.dataSource.query(`select * from users where id = any($1)`, [ids]);
  return new Map(rows.map((r) => [r.id, toView(r)]));
}

/** The caller as a user (401 when anonymous). */
export async function me(identity: Identity, request: RequestInfo): Promise<UserView> {
  return getUser(identity, callerUserId(request));
}

// ---- writes --------------------------------------------------------------------------------

export function handleUser(
  identity: Identity,
  manager: EntityManager | undefined,
  userId: string,
  command: UserCommand,
  request: RequestInfo,
) {
  return handle(identity, manager, userStream(userId), userDecider, command, eventMetadataOf(request));
}

/** PATCH /api/v1/users/me: the caller's display name. */
export async function updateMe(
  identity: Identity,
  request: RequestInfo,
  input: { name?: string | null },
): Promise<UserView> {
  const userId = callerUserId(request);
  if (input.name !== undefined && input.name !== null) {
    const name = valid(personNameInput, input.name, 'name');
    await handleUser(
      identity,
      undefined,
      userId,
      { type: 'UpdateProfile', name, now: identity.now().toISOString() },
      request,
    );
  }
  return getUser(identity, userId);
}
