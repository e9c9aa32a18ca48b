import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { DomainError } from '@seren/service-kit';
import { SIGNING_ALGORITHM, type SigningKeys } from './signing-keys.js';

export interface AccessClaims {
  userId: string;
  kind: 'user' | 'agent';
  sessionId: string;
}

export interface RefreshClaims {
  userId: string;
  sessionId: string;
  refreshTokenId: string;
}

/**
 * `aud` of user tokens. Access tokens are for the whole suite (one identity across SerenAI, Serebro,
 * Serelo and the graph); refresh tokens only for identity's own refresh. A token minted for
 * another audience (e.g. a future OAuth client token for Serebro) is refused where it does not belong.
 */
export const ACCESS_AUDIENCE = 'seren-suite';
export const REFRESH_AUDIENCE = 'seren-identity';

/** 401 with the Serelo reason the gateway maps to TOKEN_EXPIRED / TOKEN_INVALID. */
export const invalidToken = (message = 'invalid token') =>
  new DomainError('UNAUTHENTICATED', message, { reason: 'TOKEN_INVALID' });
export const expiredToken = (message = 'token expired') =>
  new DomainError('UNAUTHENTICATED', message, { reason: 'TOKEN_EXPIRED' });

/**
 * User tokens: JWTs signed with identity's current ES256 key (`kid` in the header). Access tokens
 * (`typ: access`) live ACCESS_TOKEN_TTL_SECONDS, refresh tokens (`typ: refresh`, with a `jti` that
 * names them in their session's family) REFRESH_TOKEN_TTL_SECONDS, each with its `aud`. Verification accepts only ES256
 * with a known key: `alg: none`, HS256 tricks and foreign keys all fail.
 */
export class Tokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly options: { issuer: string; accessTtlSeconds: number; refreshTtlSeconds: number },
  ) {}

  get accessTtlSeconds() {
    return this.options.accessTtlSeconds;
  }

  refreshExpiry(now: Date): string {
    return new Date(now.getTime() + this.options.refreshTtlSeconds * 1000).toISOString();
  }

  async issueAccess(claims: AccessClaims, now = new Date()): Promise<string> {
    const key = await this.keys.current(now);
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ typ: 'access', kind: claims.kind, sid: claims.sessionId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setAudience(ACCESS_AUDIENCE)
      .setSubject(claims.userId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.accessTtlSeconds)
      .sign(key.privateKey);
  }

  async issueRefresh(claims: RefreshClaims, now = new Date()): Promise<string> {
    const key = await this.keys.current(now);
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ typ: 'refresh', sid: claims.sessionId })
      .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setAudience(REFRESH_AUDIENCE)
      .setSubject(claims.userId)
      .setJti(claims.refreshTokenId)
      .setIssuedAt(iat)
      .setExpirationTime(iat + this.options.refreshTtlSeconds)
      .sign(key.privateKey);
  }

  async verifyAccess(token: string): Promise<AccessClaims> {
    const payload = await this.verify(token, 'access');
    const kind = payload.kind === 'agent' ? 'agent' : 'user';
    if (typeof payload.sid !== 'string' || !payload.sub) throw invalidToken();
    return { userId: payload.sub, kind, sessionId: payload.sid };
  }

  async verifyRefresh(token: string): Promise<RefreshClaims> {
    const payload = await this.verify(token, 'refresh');
    if (typeof payload.sid !== 'string' || !payload.sub || !payload.jti)
      throw invalidToken('invalid refresh token');
    return { userId: payload.sub, sessionId: payload.sid, refreshTokenId: payload.jti };
  }

  private async verify(token: string, typ: 'access' | 'refresh') {
    let kid: string | undefined;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg !== SIGNING_ALGORITHM) throw invalidToken();
      kid = header.kid;
    } catch {
      throw invalidToken();
    }
    const key = kid ? await this.keys.find(kid) : undefined;
    if (!key) throw invalidToken();
    try {
      const { payload } = await jwtVerify(token, key.publicKey, {
        issuer: this.options.issuer,
        algorithms: [SIGNING_ALGORITHM],
      });
      if (payload.typ !== typ) throw invalidToken();
      // tokens issued before `aud` existed carry none (they expire within the refresh lifetime);
      // any token that names an audience must name this one
      const audience = typ === 'access' ? ACCESS_AUDIENCE : REFRESH_AUDIENCE;
      const named = payload.aud === undefined ? [] : [payload.aud].flat();
      if (named.length > 0 && !named.includes(audience)) throw invalidToken();
      return payload;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw expiredToken(typ === 'refresh' ? 'refresh token expired' : 'token expired');
      if (error instanceof DomainError) throw error;
      throw invalidToken();
    }
  }
}
