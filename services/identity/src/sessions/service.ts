import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, notFound, transaction } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { iso, type Identity } from '../platform/app.js';
import { callerUserId, type RequestInfo } from '../platform/request.js';
import { getUser, type UserView } from '../users/service.js';
import { invalidToken } from '../tokens/tokens.js';
import { sessionDecider, tokenInvalid, type RevokeReason, type SessionCommand } from './decide.js';
import { sessionStream } from './session.js';

export interface SessionView {
  id: string;
  ipAddress: string | null;
  userAgent: string | null;
  createdAt: string;
  lastActiveAt: string;
  expiresAt: string;
  isCurrent: boolean;
}

export interface AuthTokens {
  accessToken: string;
  refreshToken: string;
  tokenType: 'bearer';
  expiresIn: number;
  sessionId: string;
  user: UserView;
}

type Row = Record<string, unknown>;

export function handleSession(
  identity: Identity,
  manager: EntityManager | undefined,
  sessionId: string,
  command: SessionCommand,
  request: RequestInfo,
  actor?: string,
) {
  return handle(
    identity,
    manager,
    sessionStream(sessionId),
    sessionDecider,
    command,
    eventMetadataOf(request, { actor }),
  );
}

/** Logs a user in: a new session (one refresh-token family) and its first pair of tokens. */
export async function startSession(
  identity: Identity,
  manager: EntityManager | undefined,
  user: UserView,
  method: 'password' | 'email_verification',
  request: RequestInfo,
): Promise<AuthTokens> {
  const now = identity.now();
  const sessionId = randomUUID();
  const refreshTokenId = randomUUID();
  await handleSession(
    identity,
    manager,
    sessionId,
    {
      type: 'StartSession',
      sessionId,
      userId: user.id,
      method,
      ipAddress: request.clientIp ?? null,
      userAgent: request.userAgent ?? null,
      refreshTokenId,
      now: now.toISOString(),
      expiresAt: identity.tokens.refreshExpiry(now),
    },
    request,
    `${user.kind === 'agent' ? 'agent' : 'user'}:${user.id}`,
  );
  return issueTokens(identity, user, sessionId, refreshTokenId, now);
}

async function issueTokens(
  identity: Identity,
  user: UserView,
  sessionId: string,
  refreshTokenId: string,
  now: Date,
): Promise<AuthTokens> {
  const kind = user.kind === 'agent' ? 'agent' : 'user';
  return {
    accessToken: await identity.tokens.issueAccess({ userId: user.id, kind, sessionId }, now),
    refreshToken: await identity.tokens.issueRefresh({ userId: user.id, sessionId, refreshTokenId }, now),
    tokenType: 'bearer',
    expiresIn: identity.tokens.accessTtlSeconds,
    sessionId,
    user,
  };
}

/**
 * Spends a refresh token for a new pair. The token must be its family's newest; presenting a spent
 * one revokes the whole session (committed), then answers 401 like any invalid token.
 */
export async function refreshSession(
  identity: Identity,
  request: RequestInfo,
  refreshToken: string,
): Promise<AuthTokens> {
  if (typeof refreshToken !== 'string' || refreshToken === '')
    throw invalidToken('refresh_token is required');
  const claims = await identity.tokens.verifyRefresh(refreshToken);
  const now = identity.now();
  const newRefreshTokenId = randomUUID();
  const result = await handleSession(
    identity,
    undefined,
    claims.sessionId,
    {
      type: 'RefreshSession',
      presentedRefreshTokenId: claims.refreshTokenId,
      newRefreshTokenId,
      now: now.toISOString(),
      expiresAt: identity.tokens.refreshExpiry(now),
    },
    request,
    `user:${claims.userId}`,
  ).catch((error) => {
    if ((error as { code?: string }).code === 'NOT_FOUND') throw tokenInvalid();
    throw error;
  });
  if (result.events.some((e) => e.type === 'SessionRevoked')) {
    identity.logger.warn(
      { sessionId: claims.sessionId, userId: claims.userId },
      'spent refresh token presented again: session revoked',
    );
    throw tokenInvalid('refresh token was already used; the session has been revoked');
  }
  const user = await getUser(identity, claims.userId);
  return issueTokens(identity, user, claims.sessionId, newRefreshTokenId, now);
}

const toView = (r: Row, currentSessionId: string | undefined): SessionView => ({
  id: r.id as string,
  ipAddress: (r.ip_address as string | null) ?? null,
  userAgent: (r.user_agent as string | null) ?? null,
  createdAt: iso(r.created_at as Date)!,
  lastActiveAt: iso(r.last_active_at as Date)!,
  expiresAt: iso(r.expires_at as Date)!,
  isCurrent: r.id === currentSessionId,
});

async function activeSessionRows(
  identity: Identity,
  userId: string,
  manager?: EntityManager,
): Promise<Row[]> {
  return (manager ?? identity.dataSource.manager).query(
    `select * from sessions where user_id = $1 and revoked_at is null and expires_at > $2 order by created_at desc, id`,
    [userId, identity.now()],
  );
}

export async function listSessions(identity: Identity, request: RequestInfo): Promise<SessionView[]> {
  const userId = callerUserId(request);
  return (await activeSessionRows(identity, userId)).map((r) => toView(r, request.caller.sessionId));
}

async function revokeMany(
  identity: Identity,
  request: RequestInfo,
  userId: string,
  ids: string[],
  reason: RevokeReason,
  manager?: EntityManager,
) {
  const work = async (m: EntityManager) => {
    let count = 0;
    for (const id of ids) {
      const result = await handleSession(
        identity,
        m,
        id,
        { type: 'RevokeSession', reason, now: identity.now().toISOString() },
        request,
      );
      count += result.events.length;
    }
    return count;
  };
  return manager ? work(manager) : transaction(identity, work);
}

export async function revokeSession(
  identity: Identity,
  request: RequestInfo,
  sessionId: string,
): Promise<number> {
  const userId = callerUserId(request);
  const rows = await activeSessionRows(identity, userId);
  if (!rows.some((r) => r.id === sessionId)) throw notFound('session');
  return revokeMany(identity, request, userId, [sessionId], 'revoked');
}

export async function revokeAllSessions(identity: Identity, request: RequestInfo): Promise<number> {
  const userId = callerUserId(request);
  const rows = await activeSessionRows(identity, userId);
  return revokeMany(
    identity,
    request,
    userId,
    rows.map((r) => r.id as string),
    'revoked_all',
  );
}

export async function revokeOtherSessions(
  identity: Identity,
  request: RequestInfo,
  keepSessionId: string,
): Promise<number> {
  const userId = callerUserId(request);
  const rows = await activeSessionRows(identity, userId);
  if (!rows.some((r) => r.id === keepSessionId)) throw notFound('session');
  return revokeMany(
    identity,
    request,
    userId,
    rows.filter((r) => r.id !== keepSessionId).map((r) => r.id as string),
    'revoked_others',
  );
}

/** Ends every session of a user (password changed or reset), inside the caller's transaction. */
export async function revokeSessionsOfUser(
  identity: Identity,
  manager: EntityManager,
  request: RequestInfo,
  userId: string,
  except?: string,
) {
  const rows = await activeSessionRows(identity, userId, manager);
  const ids = rows.map((r) => r.id as string).filter((id) => id !== except);
  return revokeMany(identity, request, userId, ids, 'password_changed', manager);
}
