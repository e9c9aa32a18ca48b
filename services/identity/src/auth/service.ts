import { randomUUID } from 'node:crypto';
import { DomainError, forbidden, notFound, transaction, uniquely, validationError } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import {
  deleteCredential,
  emailExists,
  findCredentialByHash,
  storeCredential,
  type Identity,
} from '../platform/app.js';
import { burnPasswordCheck, hashPassword, randomToken, sha256, verifyPassword } from '../platform/crypto.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import {
  emailChangeNoticeMail,
  emailInUseMail,
  passwordResetMail,
  verificationMail,
} from '../mail/messages.js';
import { agentsOnly, type UserCommand } from '../users/decide.js';
import {
  createPersonalOrganization,
  findOrganization,
  type OrganizationView,
} from '../organizations/service.js';
import { issueApiKey, type CreatedApiKey } from '../api-keys/service.js';
import { revokeSessionsOfUser, startSession, type AuthTokens } from '../sessions/service.js';
import {
  emailSchema,
  findUserByEmail,
  getUser,
  handleUser,
  nameSchema,
  normalizeEmail,
  passwordSchema,
  valid,
  type UserView,
} from '../users/service.js';
import { celestialName } from './celestial.js';
import { checkLoginLock, clearLoginFailures, recordLoginFailure } from './throttle.js';

/** The longest password input ever hashed or verified (the policy allows 128; see passwordSchema). */
export const MAX_PASSWORD_INPUT = 256;

const samePassword = () =>
  validationError('the new password must differ from the current one', {
    reason: 'PASSWORD_UNCHANGED',
    field: 'new_password',
  });

export const invalidCredentials = () =>
  new DomainError('UNAUTHENTICATED', 'invalid email or password', { reason: 'INVALID_CREDENTIALS' });

const actorOf = (user: { id: string; kind: string }) =>
  `${user.kind === 'agent' ? 'agent' : 'user'}:${user.id}`;
const asActor = (request: RequestInfo, user: { id: string; kind: string }): RequestInfo => ({
  ...request,
  caller: { ...request.caller, kind: user.kind === 'agent' ? 'agent' : 'user', subject: user.id },
});

/** Runs mail work after the answer: its timing must not tell whether an account exists. */
function inBackground(identity: Identity, what: string, work: () => Promise<unknown>): void {
  // not even the first query starts before the answer is on its way
  setImmediate(() => {
    void work().catch((error: unknown) => identity.logger.error({ err: error }, `${what} failed`));
  });
}

type LinkTimes = { tokenId: string; now: string; expiresAt: string };

/**
 * Records a new verification link with `command` (the current address, or an agent's new one) and
 * stores its hash; older links stop working. The token to mail, or undefined when nothing is to verify.
 */
async function issueVerificationLink(
  identity: Identity,
  manager: EntityManager,
  userId: string,
  request: RequestInfo,
  command: (link: LinkTimes) => UserCommand,
) {
  const tokenId = randomUUID();
  const token = randomToken();
  const now = identity.now();
  const expiresAt = new Date(now.getTime() + identity.config.EMAIL_TOKEN_TTL_HOURS * 3_600_000).toISOString();
  const result = await handleUser(
    identity,
    manager,
    userId,
    command({ tokenId, now: now.toISOString(), expiresAt }),
    request,
  );
  if (result.events.length === 0) return undefined;
  // only the newest link works: older hashes go
  await manager.query(`delete from credentials where kind = 'email_verification' and subject_id = $1`, [
    userId,
  ]);
  await storeCredential(manager, {
    kind: 'email_verification',
    id: tokenId,
    subjectId: userId,
    hash: sha256(token),
  });
  return token;
}

const requestEmailVerification = (
  identity: Identity,
  manager: EntityManager,
  user: { id: string },
  request: RequestInfo,
) =>
  issueVerificationLink(identity, manager, user.id, request, (link) => ({
    type: 'RequestEmailVerification',
    ...link,
  }));

/** Serelo's POST /auth/register: a human account with a personal organization; a verification mail follows. */
export async function register(
  identity: Identity,
  request: RequestInfo,
  input: { email: string; password: string; name: string },
): Promise<UserView> {
  const email = valid(emailSchema, input.email, 'email');
  const password = valid(passwordSchema, input.password, 'password');
  const name = valid(nameSchema, input.name, 'name');
  if (await findUserByEmail(identity, email)) throw emailExists();
  const passwordHash = await hashPassword(password);
  const userId = randomUUID();
  const organizationId = randomUUID();
  const actor = asActor(request, { id: userId, kind: 'human' });
  const token = await uniquely(
    () =>
      transaction(identity, async (manager) => {
        const now = identity.now().toISOString();
        await handleUser(
          identity,
          manager,
          userId,
          {
            type: 'RegisterUser',
            userId,
            kind: 'human',
            email,
            name,
            personalOrganizationId: organizationId,
            now,
          },
          actor,
        );
        await createPersonalOrganization(
          identity,
          manager,
          { organizationId, ownerUserId: userId, name: `${name}'s organization` },
          actor,
        );
        await storeCredential(manager, {
          kind: 'password',
          id: userId,
          subjectId: userId,
          hash: passwordHash,
        });
        return requestEmailVerification(identity, manager, { id: userId }, actor);
      }),
    () => emailExists(),
  );
  if (token)
    inBackground(identity, 'verification mail', () =>
      identity.mailer.send(verificationMail(identity.config.CONSOLE_URL, email, token)),
    );
  return getUser(identity, userId);
}

/**
 * Email + password login. Unknown email, agent without password and wrong password answer alike, in
 * the same time, and count alike towards the (address, IP) backoff of auth/throttle.ts.
 */
export async function login(
  identity: Identity,
  request: RequestInfo,
  input: { email: string; password: string },
): Promise<AuthTokens> {
  if (
    typeof input.email !== 'string' ||
    typeof input.password !== 'string' ||
    !input.email ||
    !input.password
  ) {
    throw validationError('email and password are required', { reason: 'VALIDATION_ERROR' });
  }
  await checkLoginLock(identity, input.email, request.clientIp);
  const failed = async () => {
    await recordLoginFailure(identity, input.email, request.clientIp);
    return invalidCredentials();
  };
  // argon2 of a megabyte would be a cheap denial of service; no stored password is this long
  if (input.password.length > MAX_PASSWORD_INPUT) throw await failed();
  const user = await findUserByEmail(identity, input.email);
  // the same statements whether or not the account exists (an unknown one looks up no id)
  const rows: { hash: string }[] = await identity.dataSource.query(
    `select hash from credentials where kind = 'password' and id = $1`,
    [user?.id ?? ''],
  );
  const stored = rows[0]?.hash;
  if (!user || !stored) {
    await burnPasswordCheck(input.password);
    throw await failed();
  }
  if (!(await verifyPassword(stored, input.password))) {
    // recorded for the audit log, off the answer's path so its time matches the unknown-email case
    inBackground(identity, 'recording a failed login', () =>
      handleUser(
        identity,
        undefined,
        user.id,
        { type: 'RecordLoginFailure', now: identity.now().toISOString() },
        request,
      ),
    );
    throw await failed();
  }
  await clearLoginFailures(identity, input.email, request.clientIp);
  return startSession(identity, undefined, user, 'password', request);
}

/** SerenAI's POST /auth/agent: no email, a personal organization, and an API key named "agent" (shown once). */
export async function registerAgent(
  identity: Identity,
  request: RequestInfo,
  input: { name?: string | null },
): Promise<{ user: UserView; organization: OrganizationView; apiKey: CreatedApiKey }> {
  let name =
    input.name === undefined || input.name === null ? undefined : valid(nameSchema, input.name, 'name');
  for (let attempt = 0; !name && attempt < 20; attempt++) {
    const candidate = celestialName();
    const taken: unknown[] = await identity.dataSource.query(`select 1 from users where name = $1`, [
      candidate,
    ]);
    if (taken.length === 0) name = candidate;
  }
  if (!name) throw new Error('could not draw a unique agent name');
  const userId = randomUUID();
  const organizationId = randomUUID();
  const actor = asActor(request, { id: userId, kind: 'agent' });
  const apiKey = await transaction(identity, async (manager) => {
    const now = identity.now().toISOString();
    await handleUser(
      identity,
      manager,
      userId,
      {
        type: 'RegisterUser',
        userId,
        kind: 'agent',
        email: null,
        name,
        personalOrganizationId: organizationId,
        now,
      },
      actor,
    );
    await createPersonalOrganization(identity, manager, { organizationId, ownerUserId: userId, name }, actor);
    return issueApiKey(
      identity,
      manager,
      { organizationId, userId, roleId: 'owner', name: 'agent', createdBy: userId, expiresInDays: null },
      actor,
    );
  });
  return {
    user: await getUser(identity, userId),
    organization: (await findOrganization(identity, organizationId))!,
    apiKey,
  };
}

/**
 * PATCH /auth/agent, agents only (403 `AGENT_ONLY` for people, whatever their credential). The new
 * address stays pending: the login and reset address is unchanged until the link mailed to the new
 * address is followed, and the old address (if any) hears of the change. The answer is the same
 * whether or not another account uses the address (that account's owner is told by mail instead),
 * and the work runs after it, so neither body nor timing tells.
 */
export async function updateAgent(
  identity: Identity,
  request: RequestInfo,
  input: { email: string },
): Promise<UserView> {
  const userId = callerUserId(request);
  const email = valid(emailSchema, input.email, 'email');
  const user = await getUser(identity, userId);
  if (user.kind !== 'agent') throw agentsOnly();
  const consoleUrl = identity.config.CONSOLE_URL;
  inBackground(identity, 'agent email change', async () => {
    const existing = await findUserByEmail(identity, email);
    if (existing && existing.id !== userId) {
      await identity.mailer.send(emailInUseMail(consoleUrl, existing.email ?? email));
      return;
    }
    const token = await transaction(identity, (manager) =>
      issueVerificationLink(identity, manager, userId, request, (link) => ({
        type: 'RequestEmailChange',
        email,
        ...link,
      })),
    );
    if (!token) return;
    await identity.mailer.send(verificationMail(consoleUrl, email, token));
    if (user.email && normalizeEmail(user.email) !== normalizeEmail(email))
      await identity.mailer.send(emailChangeNoticeMail(consoleUrl, user.email, email));
  });
  // what the spec documents: the address just set, unverified (GET /auth/me shows it once verified)
  const unchanged = user.email !== null && normalizeEmail(user.email) === normalizeEmail(email);
  return unchanged ? user : { ...user, email, emailVerified: false };
}

/** Always the same answer, at once; a reset link is mailed only to an existing account's verified address. */
export async function forgotPassword(
  identity: Identity,
  request: RequestInfo,
  input: { email: string },
): Promise<true> {
  const email = valid(emailSchema, input.email, 'email');
  inBackground(identity, 'password reset', async () => {
    const user = await findUserByEmail(identity, email);
    if (!user?.email) return;
    // a reset link goes only to a verified address; an unverified one is offered its verification
    // link first (which also logs in), so a mailbox nobody proved is never a way into the account
    if (!user.emailVerified) {
      const token = await transaction(identity, (manager) =>
        requestEmailVerification(identity, manager, user, asActor(request, user)),
      );
      if (token) await identity.mailer.send(verificationMail(identity.config.CONSOLE_URL, user.email, token));
      return;
    }
    const tokenId = randomUUID();
    const token = randomToken();
    const now = identity.now();
    const expiresAt = new Date(
      now.getTime() + identity.config.PASSWORD_RESET_TTL_MINUTES * 60_000,
    ).toISOString();
    await transaction(identity, async (manager) => {
      await handleUser(
        identity,
        manager,
        user.id,
        { type: 'RequestPasswordReset', tokenId, now: now.toISOString(), expiresAt },
        asActor(request, user),
      );
      // Older links stay known, so presenting one answers 400 (superseded) rather than 404, until
      // they are well past their lifetime; the user stream decides which link is valid.
      await manager.query(
        `delete from credentials where kind = 'password_reset' and subject_id = $1 and created_at < $2`,
        [user.id, new Date(now.getTime() - 2 * identity.config.PASSWORD_RESET_TTL_MINUTES * 60_000)],
      );
      await storeCredential(manager, {
        kind: 'password_reset',
        id: tokenId,
        subjectId: user.id,
        hash: sha256(token),
      });
    });
    await identity.mailer.send(passwordResetMail(identity.config.CONSOLE_URL, user.email, token));
  });
  return true;
}

/** Always the same answer, at once; a new link is mailed only to an existing, unverified account. */
export async function resendVerification(
  identity: Identity,
  request: RequestInfo,
  input: { email: string },
): Promise<true> {
  const email = valid(emailSchema, input.email, 'email');
  inBackground(identity, 'verification mail', async () => {
    const user = await findUserByEmail(identity, email);
    if (!user?.email || user.emailVerified) return;
    const token = await transaction(identity, (manager) =>
      requestEmailVerification(identity, manager, user, asActor(request, user)),
    );
    if (token) await identity.mailer.send(verificationMail(identity.config.CONSOLE_URL, user.email, token));
  });
  return true;
}

/**
 * POST /auth/reset-password: 404 for a token never issued (or long gone), 400 for a used, superseded
 * or expired one (the user stream's `decide` knows which link is the valid one, and that only once).
 */
export async function resetPassword(
  identity: Identity,
  request: RequestInfo,
  input: { token: string; newPassword: string },
): Promise<true> {
  if (typeof input.token !== 'string' || input.token === '')
    throw validationError('token is required', { field: 'token' });
  const password = valid(passwordSchema, input.newPassword, 'new_password');
  const credential = await findCredentialByHash(
    identity.dataSource.manager,
    'password_reset',
    sha256(input.token),
  );
  if (!credential) throw notFound('token');
  const current: { hash: string }[] = await identity.dataSource.query(
    `select hash from credentials where kind = 'password' and id = $1`,
    [credential.subjectId],
  );
  if (current[0] && (await verifyPassword(current[0].hash, password))) throw samePassword();
  const passwordHash = await hashPassword(password);
  await transaction(identity, async (manager) => {
    const user = await getUser(identity, credential.subjectId, manager);
    const actor = asActor(request, user);
    await handleUser(
      identity,
      manager,
      user.id,
      { type: 'ResetPassword', tokenId: credential.id, now: identity.now().toISOString() },
      actor,
    );
    await storeCredential(manager, { kind: 'password', id: user.id, subjectId: user.id, hash: passwordHash });
    await revokeSessionsOfUser(identity, manager, actor, user.id);
  });
  return true;
}

/** POST /auth/verify-email: verifies and logs in (a new session). */
export async function verifyEmail(
  identity: Identity,
  request: RequestInfo,
  input: { token: string },
): Promise<AuthTokens> {
  if (typeof input.token !== 'string' || input.token === '')
    throw validationError('token is required', { field: 'token' });
  // a pending address another account took meanwhile cannot become this one's
  const taken = () =>
    validationError('this email is already in use by another account', {
      reason: 'EMAIL_EXISTS',
      field: 'email',
    });
  return uniquely(
    () =>
      transaction(identity, async (manager) => {
        const credential = await findCredentialByHash(manager, 'email_verification', sha256(input.token));
        if (!credential) throw validationError('invalid or expired token', { reason: 'TOKEN_INVALID' });
        const user = await getUser(identity, credential.subjectId, manager);
        const actor = asActor(request, user);
        await handleUser(
          identity,
          manager,
          user.id,
          { type: 'VerifyEmail', tokenId: credential.id, now: identity.now().toISOString() },
          actor,
        );
        await deleteCredential(manager, 'email_verification', credential.id);
        return startSession(
          identity,
          manager,
          await getUser(identity, user.id, manager),
          'email_verification',
          actor,
        );
      }),
    taken,
  );
}

/** Serelo's POST /users/change-password: other sessions end; the current one stays. */
export async function changePassword(
  identity: Identity,
  request: RequestInfo,
  input: { currentPassword: string; newPassword: string },
): Promise<true> {
  const userId = callerUserId(request);
  if (
    typeof input.currentPassword !== 'string' ||
    input.currentPassword === '' ||
    input.currentPassword.length > MAX_PASSWORD_INPUT
  ) {
    throw validationError('current_password is required', {
      reason: 'VALIDATION_ERROR',
      field: 'current_password',
    });
  }
  const rows: { hash: string }[] = await identity.dataSource.query(
    `select hash from credentials where kind = 'password' and id = $1`,
    [userId],
  );
  if (!rows[0]) throw forbidden('this account has no password');
  if (!(await verifyPassword(rows[0].hash, input.currentPassword))) {
    throw validationError('current password is incorrect', {
      reason: 'INVALID_CREDENTIALS',
      field: 'current_password',
    });
  }
  const password = valid(passwordSchema, input.newPassword, 'new_password');
  if (password === input.currentPassword) throw samePassword();
  const passwordHash = await hashPassword(password);
  await transaction(identity, async (manager) => {
    await handleUser(
      identity,
      manager,
      userId,
      { type: 'ChangePassword', now: identity.now().toISOString() },
      request,
    );
    await storeCredential(manager, { kind: 'password', id: userId, subjectId: userId, hash: passwordHash });
    await revokeSessionsOfUser(identity, manager, request, userId, request.caller.sessionId);
  });
  return true;
}

export { actorOf };
