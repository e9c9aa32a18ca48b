import { jwtVerify, SignJWT, errors as joseErrors } from 'jose';
import { forbidden, unauthenticated } from './errors.js';

/**
 * Who is calling, as the gateway established it at the edge. Services never look at API keys or
 * user tokens themselves: they trust this, delivered as a short-lived internal JWT signed by the
 * gateway (`x-internal-token` header).
 */
export interface Caller {
  /** user or agent id; absent for anonymous calls to public routes */
  subject?: string;
  kind: 'user' | 'agent' | 'anonymous';
  organizationId?: string;
  /** OAuth 2.0 scopes (Serebro v2) or API key scopes */
  scopes: string[];
  /** RBAC permissions in the organization, e.g. `org.manage_members` */
  permissions: string[];
  /** how the caller authenticated at the edge, e.g. `api_key`, `session`, `oauth`, `x402` */
  via?: string;
  /** the identity session behind a bearer token (lets identity mark "the current session") */
  sessionId?: string;
  /**
   * Serebro: the marketplace app behind an OAuth access token, or a private integration token's
   * own id (a PIT counts as its own app). v2 limits count per app per resource.
   */
  appId?: string;
  /**
   * Serebro: whether the credential (OAuth token, PIT, API key) was issued for a location or for an
   * agency (HighLevel's `userType` / `authClass`). Absent for credentials not bound to either.
   */
  authClass?: 'Location' | 'Company';
  /**
   * The revocable thing behind the credential: the API key's id, the PIT's id, or the OAuth install
   * (grant) id. Revoking or uninstalling it drops the gateway's cached answers naming it; v1 counts
   * its limits per API key.
   */
  credentialId?: string;
  /**
   * Serebro: the location or agency the credential was issued for (the rate-limit resource).
   * `organizationId` is where this request acts: the same, or the location an agency credential named.
   */
  resourceId?: string;
}

/** How an organization-bound Serebro credential authenticated (not a user's own session). */
export const BOUND_CREDENTIALS: readonly string[] = ['api_key', 'oauth', 'pit'];

export const anonymous: Caller = { kind: 'anonymous', scopes: [], permissions: [] };

export const INTERNAL_TOKEN_HEADER = 'x-internal-token';
const ISSUER = 'seren-gateway';
const AUDIENCE = 'seren-services';
const ALGORITHM = 'HS256';

const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signInternalToken(caller: Caller, secret: string, ttlSeconds = 60): Promise<string> {
  return new SignJWT({
    kind: caller.kind,
    org: caller.organizationId,
    scp: caller.scopes,
    perm: caller.permissions,
    via: caller.via,
    sid: caller.sessionId,
    app: caller.appId,
    acl: caller.authClass,
    cid: caller.credentialId,
    res: caller.resourceId,
  })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(caller.subject ?? 'anonymous')
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(keyOf(secret));
}

/**
 * Tokens this process verified, until they expire. The gateway reuses a caller's token for as long
 * as it caches the caller's authentication (seconds), so most requests carry a token seen before:
 * checking its signature again (jose's WebCrypto HMAC, a key import each time) was a few percent
 * of a subgraph request's CPU. Keyed by the token's exact text and the secret it verified under.
 */
const verifiedTokens = new Map<string, { secret: string; caller: Caller; expiresAt: number }>();
const VERIFIED_TOKENS_MAX = 10_000;

const copyOf = (caller: Caller): Caller => ({
  ...caller,
  scopes: [...caller.scopes],
  permissions: [...caller.permissions],
});

/** Verifies an internal token; `alg: none`, a wrong key, a wrong issuer or an expired token all fail. */
export async function verifyInternalToken(token: string, secret: string): Promise<Caller> {
  const known = verifiedTokens.get(token);
  if (known && known.secret === secret) {
    // jose's rule: a token is expired once `exp` (seconds) is not after the current second
    if (Math.floor(Date.now() / 1000) < known.expiresAt) return copyOf(known.caller);
    verifiedTokens.delete(token);
  }
  const caller = await verifiedCaller(token, secret);
  if (caller.expiresAt !== undefined) {
    if (verifiedTokens.size >= VERIFIED_TOKENS_MAX) {
      const oldest = verifiedTokens.keys().next();
      if (!oldest.done) verifiedTokens.delete(oldest.value);
    }
    verifiedTokens.set(token, { secret, caller: caller.caller, expiresAt: caller.expiresAt });
  }
  return copyOf(caller.caller);
}

async function verifiedCaller(
  token: string,
  secret: string,
): Promise<{ caller: Caller; expiresAt: number | undefined }> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: [ALGORITHM],
    });
    const kind = payload.kind === 'user' || payload.kind === 'agent' ? payload.kind : 'anonymous';
    const expiresAt = typeof payload.exp === 'number' ? payload.exp : undefined;
    const caller: Caller = {
      subject: kind === 'anonymous' ? undefined : payload.sub,
      kind,
      organizationId: typeof payload.org === 'string' ? payload.org : undefined,
      scopes: Array.isArray(payload.scp) ? payload.scp.map(String) : [],
      permissions: Array.isArray(payload.perm) ? payload.perm.map(String) : [],
      via: typeof payload.via === 'string' ? payload.via : undefined,
      sessionId: typeof payload.sid === 'string' ? payload.sid : undefined,
      // absent from tokens signed before these claims existed: still valid
      appId: typeof payload.app === 'string' ? payload.app : undefined,
      authClass: payload.acl === 'Location' || payload.acl === 'Company' ? payload.acl : undefined,
      credentialId: typeof payload.cid === 'string' ? payload.cid : undefined,
      resourceId: typeof payload.res === 'string' ? payload.res : undefined,
    };
    return { caller, expiresAt };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) throw unauthenticated('invalid internal token');
    throw error;
  }
}

export function requireAuthenticated(caller: Caller): asserts caller is Caller & { subject: string } {
  if (caller.kind === 'anonymous' || !caller.subject) throw unauthenticated();
}

export function requireScope(caller: Caller, scope: string): void {
  requireAuthenticated(caller);
  if (!caller.scopes.includes(scope)) throw forbidden(`missing scope ${scope}`, { scope });
}

export function requirePermission(caller: Caller, permission: string): void {
  requireAuthenticated(caller);
  if (!caller.permissions.includes(permission)) {
    throw forbidden(`missing permission ${permission}`, { permission });
  }
}
