import { BOUND_CREDENTIALS, DomainError, forbidden, type Caller } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { apiKeyPrefixOf, digestsEqual, sha256 } from '../platform/crypto.js';
import { defaultOrganizationOf, membershipOf, permissionsOfRole } from '../organizations/access.js';
import { authenticatePit } from '../marketplace/pits.js';
import { isPitShaped } from '../marketplace/secrets.js';
import { verifyAccessToken } from '../oauth/verify.js';

export type Scheme = 'api_key' | 'bearer';

const rejected = (message: string, reason: string) => new DomainError('UNAUTHENTICATED', message, { reason });

/** Throttle for last-used / last-active writes: one per credential per minute is plenty. */
const TOUCH_INTERVAL = `interval '60 seconds'`;

/** HighLevel's message for a credential used on a location it has no access to. */
export const LOCATION_DENIED = 'The token does not have access to this location.';

/**
 * The edge's one question: who is this? An API key (looked up by its visible prefix, its hash
 * compared in constant time; expired or revoked keys fail), a Serebro private integration token
 * (`pit-<uuid>`, the marketplace's), a Serebro OAuth access token (a JWT with `typ: at+jwt`,
 * verified by the authorization server: signature, audience, expiry, grant still active) or an
 * identity access token (JWT verified with identity's signing keys; its session must still be
 * active). The gateway caches answers ≤5 s, which bounds how long a revoked key or session keeps
 * working when the revocation feed is down.
 *
 * With `locationId` (Serebro: the location a request names), the caller acting in that location:
 * see `locate`.
 */
export async function authenticate(
  identity: Identity,
  credential: string,
  scheme: Scheme,
  locationId?: string,
): Promise<Caller> {
  const caller = await identify(identity, credential, scheme);
  return locationId === undefined ? caller : locate(identity, caller, locationId);
}

async function identify(identity: Identity, credential: string, scheme: Scheme): Promise<Caller> {
  if (typeof credential !== 'string' || credential === '')
    throw rejected('missing credential', 'TOKEN_INVALID');
  // Serebro v1 sends API keys as bearer tokens: the shape tells them apart.
  if (scheme === 'api_key' || apiKeyPrefixOf(credential)) return authenticateApiKey(identity, credential);
  if (isPitShaped(credential)) return authenticatePrivateIntegration(identity, credential);
  if (isOAuthAccessToken(credential)) return authenticateOAuthToken(identity, credential);
  return authenticateAccessToken(identity, credential);
}

/**
 * A Serebro credential (API key, OAuth token, PIT) bound to a location acts only there; one bound to
 * an agency acts in the agency and in each of its locations (a location's parent), as HighLevel's
 * agency credentials name the location (`locationId`). Anything else is 403 with HighLevel's message,
 * whether the location exists or not. A user's own session is bound to no organization: 403 too.
 */
export async function locate(identity: Identity, caller: Caller, locationId: string): Promise<Caller> {
  const own = caller.organizationId;
  if (!own || !caller.via || !BOUND_CREDENTIALS.includes(caller.via))
    throw forbidden(LOCATION_DENIED, { reason: 'LOCATION_FORBIDDEN' });
  if (locationId === own) return caller;
  const rows: { kind: string; parent_id: string | null }[] = await identity.dataSource.query(
    `select kind, parent_id from organizations where id = $1`,
    [locationId],
  );
  const location = rows[0];
  if (!location || location.kind !== 'location' || location.parent_id !== own)
    throw forbidden(LOCATION_DENIED, { reason: 'LOCATION_FORBIDDEN' });
  return { ...caller, organizationId: locationId, resourceId: caller.resourceId ?? own };
}

/** HighLevel's name for an organization that is a Serebro location or agency. */
const authClassOf = (kind: unknown): Caller['authClass'] =>
  kind === 'location' ? 'Location' : kind === 'agency' ? 'Company' : undefined;

/** A JWT whose header says `typ: at+jwt` (RFC 9068): the authorization server's, not a session's. */
function isOAuthAccessToken(token: string): boolean {
  const header = token.split('.')[0];
  if (!header || token.split('.').length !== 3) return false;
  try {
    const typ = (JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { typ?: unknown }).typ;
    return typeof typ === 'string' && /^(application\/)?at\+jwt$/i.test(typ);
  } catch {
    return false;
  }
}

async function authenticateOAuthToken(identity: Identity, token: string): Promise<Caller> {
  const verified = await verifyAccessToken(identity, token);
  if (!verified) throw rejected('invalid or expired access token', 'TOKEN_INVALID');
  const authClass = verified.authClass === 'App' ? undefined : verified.authClass;
  return {
    // the installing user; a client-credentials token acts as its client
    subject: verified.userId ?? verified.clientId,
    kind: 'user',
    organizationId: verified.organizationId,
    scopes: verified.scopes,
    // scopes, not RBAC, bound what an integration's token may do
    permissions: [],
    via: 'oauth',
    appId: verified.appId,
    authClass,
    credentialId: verified.installId ?? verified.grantId ?? verified.tokenId,
    resourceId: verified.organizationId,
  };
}

async function authenticatePrivateIntegration(identity: Identity, token: string): Promise<Caller> {
  const pit = await authenticatePit(identity, token);
  if (!pit) throw rejected('invalid private integration token', 'TOKEN_INVALID');
  return {
    subject: pit.createdBy,
    kind: 'user',
    organizationId: pit.organizationId,
    scopes: pit.scopes,
    permissions: [],
    via: 'pit',
    // a PIT counts as its own app (limits per app and resource)
    appId: pit.pitId,
    authClass: pit.userType,
    credentialId: pit.pitId,
    resourceId: pit.organizationId,
  };
}

async function authenticateApiKey(identity: Identity, key: string): Promise<Caller> {
  const prefix = apiKeyPrefixOf(key);
  const rows: Record<string, unknown>[] = prefix
    ? await identity.dataSource.query(
        `select k.id, k.organization_id, k.user_id, k.role_id, k.expires_at, k.revoked_at, c.hash, u.kind,
                o.kind as organization_kind
         from api_keys k join credentials c on c.kind = 'api_key' and c.id = k.id join users u on u.id = k.user_id
         join organizations o on o.id = k.organization_id
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
    credentialId: row.id as string,
    // a location's key or an agency's (Serebro v1); absent for other organizations' keys
    authClass: authClassOf(row.organization_kind),
    resourceId: organizationId,
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
