import { DomainError, type Caller } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { apiKeyPrefixOf, digestsEqual, sha256 } from '../platform/crypto.js';
import { defaultOrganizationOf, membershipOf, permissionsOfRole } from '../organizations/access.js';

export type Scheme = 'api_key' | 'bearer';

const rejected = (message: string, reason: string) => new DomainError('UNAUTHENTICATED', message, { reason });

/** Throttle for last-used / last-active writes: one per credential per minute is plenty. */
const TOUCH_INTERVAL = `interval '60 seconds'`;

/**
 * The edge's one question: who is this? An API key (looked up by its visible prefix, its hash
 * compared in constant time; expired or revoked keys fail) or an access token (JWT verified with
 * identity's signing keys; its session must still be active). The gateway caches answers ≤5 s,
 * which bounds how long a revoked key or session keeps working.
 */
export async function authenticate(identity: Identity, credential: string, scheme: Scheme): Promise<Caller> {
  if (typeof credential !== 'string' || credential === '')
    throw rejected('missing credential', 'TOKEN_INVALID');
  // Serebro v1 sends API keys as bearer tokens: the shape tells them apart.
  if (scheme === 'api_key' || apiKeyPrefixOf(credential)) return authenticateApiKey(identity, credential);
  return authenticateAccessToken(identity, credential);
}

async function authenticateApiKey(identity: Identity, key: string): Promise<Caller> {
  const prefix = apiKeyPrefixOf(key);
  const rows: Record<string, unknown>[] = prefix
    ? await identity.dataSource.query(
        `select k.id, k.organization_id, k.user_id, k.role_id, k.expires_at, k.revoked_at, c.hash, u.kind
         from api_keys k join credentials c on c.kind = 'api_key' and c.id = k.id join users u on u.id = k.user_id
         where k.prefix = $1`,
        [prefix],
      )
    : [];
  const row = rows[0];
  // Hash even when nothing matched, so a miss costs the same as a wrong secret.
  const presented = sha256(key);
  const matches = digestsEqual(presented, (row?.hash as string | undefined) ?? sha256('no key'));
  if (!row || !matches) throw rejected('invalid API key', 'INVALID_API_KEY');
  const now = identity.now();
  if (row.revoked_at) throw rejected('API key revoked', 'INVALID_API_KEY');
  if (row.expires_at && (row.expires_at as Date) <= now) throw rejected('API key expired', 'TOKEN_EXPIRED');
  const organizationId = row.organization_id as string;
  const userId = row.user_id as string;
  const membership = await membershipOf(identity, userId, organizationId);
  if (!membership)
    throw rejected('API key owner is no longer a member of its organization', 'INVALID_API_KEY');
  const keyPermissions = await permissionsOfRole(identity, organizationId, row.role_id as string);
  void identity.dataSource
    .query(
      `update api_keys set last_used_at = $2 where id = $1 and (last_used_at is null or last_used_at < $2::timestamptz - ${TOUCH_INTERVAL})`,
      [row.id, now],
    )
    .catch((error: unknown) => identity.logger.warn({ err: error }, 'could not record API key use'));
  return {
    subject: userId,
    kind: row.kind === 'agent' ? 'agent' : 'user',
    organizationId,
    scopes: [],
    permissions: keyPermissions.filter((p) => membership.permissions.includes(p)),
    via: 'api_key',
  };
}

async function authenticateAccessToken(identity: Identity, token: string): Promise<Caller> {
  const claims = await identity.tokens.verifyAccess(token);
  const now = identity.now();
  const rows: { user_id: string; revoked_at: Date | null; expires_at: Date }[] =
    await identity.dataSource.query(`select user_id, revoked_at, expires_at from sessions where id = $1`, [
      claims.sessionId,
    ]);
  const session = rows[0];
  if (!session || session.user_id !== claims.userId || session.revoked_at || session.expires_at <= now) {
    throw rejected('session is no longer active', 'TOKEN_INVALID');
  }
  void identity.dataSource
    .query(
      `update sessions set last_active_at = $2 where id = $1 and last_active_at < $2::timestamptz - ${TOUCH_INTERVAL}`,
      [claims.sessionId, now],
    )
    .catch((error: unknown) => identity.logger.warn({ err: error }, 'could not record session activity'));
  const organizationId = await defaultOrganizationOf(identity, claims.userId);
  const membership = organizationId ? await membershipOf(identity, claims.userId, organizationId) : undefined;
  return {
    subject: claims.userId,
    kind: claims.kind,
    organizationId,
    scopes: [],
    permissions: membership?.permissions ?? [],
    via: 'session',
    sessionId: claims.sessionId,
  };
}
