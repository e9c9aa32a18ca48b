import { eventMetadataOf, handle, notFound, validationError } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { userDecider, type UserCommand } from './decide.js';
import { userStream } from './user.js';

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

// ---- Serelo's validation rules -------------------------------------------------------------

/** Surrounding spaces are forgiven: every route that takes an email trims it here, once. */
export const emailSchema = z
  .string('email must be a valid address')
  .trim()
  .pipe(z.email('email must be a valid address').max(255, 'email must be at most 255 characters'));
export const nameSchema = z
  .string()
  .trim()
  .min(1, 'name must be 1 to 100 characters')
  .max(100, 'name must be 1 to 100 characters');
export const passwordSchema = z
  .string()
  .min(8, 'password must be at least 8 characters')
  // argon2 of a megabyte would be a cheap denial of service
  .max(128, 'password must be at most 128 characters')
  // Unicode-aware: an accented letter is a letter, not the "special character" (a symbol or punctuation).
  .regex(/\p{Lu}/u, 'password must contain an uppercase letter')
  .regex(/\p{Ll}/u, 'password must contain a lowercase letter')
  .regex(/\p{Nd}/u, 'password must contain a number')
  .regex(/[^\p{L}\p{N}\s]/u, 'password must contain a special character');

/** Parses one field with Serelo's rules; a 400 VALIDATION_ERROR naming the field otherwise. */
export function valid<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error.issues[0]?.message ?? `${field} is invalid`, {
    reason: 'VALIDATION_ERROR',
    field,
  });
}

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
    const name = valid(nameSchema, input.name, 'name');
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
