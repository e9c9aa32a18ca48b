import { decodeProtectedHeader, jwtVerify } from 'jose';
import type { Identity } from '../platform/app.js';
import { SIGNING_ALGORITHM } from '../tokens/signing-keys.js';
import { findAppClient, isInstallActive } from '../marketplace/apps.js';
import { serebroAudience, type OAuthTokenCaller } from './claims.js';
import { isGrantActive } from './grants.js';

export type { OAuthTokenCaller } from './claims.js';

/**
 * Verifies a Serebro OAuth access token for the edge (`/internal/authenticate`): ES256 signature by
 * one of identity's signing keys (no `alg: none`, no foreign key), header `typ: at+jwt`, issuer,
 * audience, expiry, and that its grant is still active (an uninstall, a revocation or a replayed
 * refresh token kills the grant, and with it every access token it issued) or, for a
 * client-credentials token, that its app still exists. Undefined for anything else, so the caller
 * can try its other credential kinds.
 */
export async function verifyAccessToken(
  identity: Identity,
  token: string,
): Promise<OAuthTokenCaller | undefined> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== SIGNING_ALGORITHM || header.typ !== 'at+jwt') return undefined;
    kid = header.kid;
  } catch {
    return undefined;
  }
  const key = kid ? await identity.signingKeys.find(kid) : undefined;
  if (!key) return undefined;
  const issuer = identity.config.SEREBRO_PUBLIC_URL.replace(/\/$/, '');
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [SIGNING_ALGORITHM],
      typ: 'at+jwt',
      issuer,
      audience: serebroAudience(issuer),
      currentDate: identity.now(),
    }));
  } catch {
    return undefined;
  }
  const { jti, client_id: clientId, scope, authClass, exp } = payload;
  if (typeof jti !== 'string' || typeof clientId !== 'string' || typeof exp !== 'number') return undefined;
  const scopes = typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
  const expiresAt = new Date(exp * 1000);
  if (await isAccessTokenRevoked(identity, jti)) return undefined;

  if (authClass === 'App') {
    const app = await findAppClient(identity, clientId);
    if (!app || app.appId !== payload.app_id) return undefined;
    return { tokenId: jti, clientId, appId: app.appId, authClass: 'App', scopes, expiresAt };
  }
  if (typeof payload.grant_id !== 'string') return undefined;
  const grant = await isGrantActive(identity, payload.grant_id);
  if (!grant || grant.clientId !== clientId) return undefined;
  if (grant.installId && !(await isInstallActive(identity, grant.installId))) return undefined;
  // a location token made from an agency token names the location; its grant is the agency's
  const locationId = typeof payload.locationId === 'string' ? payload.locationId : undefined;
  const companyId = typeof payload.companyId === 'string' ? payload.companyId : undefined;
  const tokenClass = authClass === 'Location' ? 'Location' : authClass === 'Company' ? 'Company' : undefined;
  if (!tokenClass) return undefined;
  return {
    tokenId: jti,
    clientId,
    appId: grant.appId,
    authClass: tokenClass,
    organizationId: tokenClass === 'Location' ? locationId : companyId,
    ...(locationId && { locationId }),
    ...(companyId && { companyId }),
    userId: grant.userId,
    scopes,
    grantId: grant.grantId,
    ...(grant.installId && { installId: grant.installId }),
    expiresAt,
  };
}

/** An access token revoked on its own (RFC 7009 on the access token): kept until it would expire. */
async function isAccessTokenRevoked(identity: Identity, jti: string): Promise<boolean> {
  const rows: unknown[] = await identity.dataSource.query(
    `select 1 from oauth_models where model = 'RevokedAccessToken' and id = $1`,
    [jti],
  );
  return rows.length > 0;
}
