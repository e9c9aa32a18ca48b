import { createHash, createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { signInternalToken, type Caller, type Logger } from '@seren/service-kit';
import type { CredentialScheme } from './credentials.js';

/** A credential identity accepted: the caller, and the internal token that carries it to the services. */
export interface Authenticated {
  ok: true;
  caller: Caller;
  internalToken: string;
}

/**
 * A credential identity refused; `errorCode` (identity's `reason`) may refine it, e.g. `TOKEN_EXPIRED`.
 * `status` 403: the credential is valid but may not act in the location the request named.
 */
export interface Refused {
  ok: false;
  status: 401 | 403;
  message: string;
  errorCode?: string;
}

export type Authentication = Authenticated | Refused;

/** Identity could not answer (down, timed out, 5xx): the edge answers 503 rather than guess. */
export class IdentityUnavailable extends Error {
  constructor(cause: unknown) {
    super(`identity is unavailable: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'IdentityUnavailable';
  }
}

export interface AuthenticatorOptions {
  identityUrl: string;
  internalTokenSecret: string;
  /**
   * How long an answer is reused; at most 5 s, the bound on how long a revoked key or session keeps
   * working when the revocation feed is down (with it, within a second).
   */
  ttlMs: number;
  maxEntries: number;
  dispatcher: Dispatcher;
  logger: Logger;
  timeoutMs?: number;
  now?: () => number;
  /** `iss` a verified refresh token must carry (identity's TOKEN_ISSUER); unchecked when unset. */
  tokenIssuer?: string;
}

const INTERNAL_TOKEN_TTL_SECONDS = 60;
const KEYS_MAX_AGE_MS = 5 * 60_000;
const KEYS_MIN_REFETCH_MS = 10_000;

/**
 * The client of identity's `POST /internal/authenticate`. Each credential is looked up once and the
 * answer (acceptance or refusal) reused for `ttlMs`; concurrent requests with the same credential
 * share one lookup. Entries are keyed by a SHA-256 of scheme and credential: the raw secret is never
 * a map key and never logged.
 */
export class Authenticator {
  private readonly cache = new Map<string, { expiresAt: number; answer: Authentication }>();
  private readonly inFlight = new Map<string, Promise<Authentication>>();
  private readonly now: () => number;
  /** Lookups that reached identity (tests and metrics). */
  lookups = 0;

  constructor(private readonly options: AuthenticatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Who the credential is; with `locationId` (Serebro: the location a request names), the caller
   * acting in that location, which identity allows only to a credential of that location or of its
   * agency (else a 403 refusal).
   */
  async authenticate(
    credential: string,
    scheme: CredentialScheme,
    locationId?: string,
  ): Promise<Authentication> {
    const key = createHash('sha256')
      .update(scheme)
      .update('\0')
      .update(credential)
      .update('\0')
      .update(locationId ?? '')
      .digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.answer;
    if (cached) this.cache.delete(key);

    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const lookup = this.lookup(credential, scheme, locationId)
      .then((answer) => {
        // a revocation noticed while this lookup ran may postdate its answer: do not keep it
        if (this.options.ttlMs > 0 && generation === this.generation) this.remember(key, answer);
        return answer;
      })
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, lookup);
    return lookup;
  }

  /** The internal token of an anonymous caller, reused while it has more than half its life left. */
  async anonymousToken(): Promise<string> {
    const now = this.now();
    if (!this.anonymous || this.anonymous.renewAt <= now) {
      const token = await signInternalToken(
        { kind: 'anonymous', scopes: [], permissions: [] },
        this.options.internalTokenSecret,
        INTERNAL_TOKEN_TTL_SECONDS,
      );
      this.anonymous = { token, renewAt: now + (INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2 };
    }
    return this.anonymous.token;
  }
  private anonymous?: { token: string; renewAt: number };

  private remember(key: string, answer: Authentication) {
    // Map iteration order is insertion order: dropping the first key evicts the oldest entry.
    if (this.cache.size >= this.options.maxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(key, { expiresAt: this.now() + this.options.ttlMs, answer });
  }

  private revocations?: AbortController;

  /**
   * Follows identity's revocation feed (`GET /internal/revocations`, server-sent events): each notice
   * drops the cached answers of the user, credential (API key, PIT, OAuth install) or marketplace
   * app it names, so a revoked session or key, or an uninstalled app, stops working at
   * once rather than when its cache entry expires. On every (re)connect the whole cache is dropped
   * (notices may have been missed meanwhile); while the feed is down the TTL is the bound.
   */
  watchRevocations(): void {
    if (this.revocations) return;
    const controller = new AbortController();
    this.revocations = controller;
    void (async () => {
      let failures = 0;
      while (!controller.signal.aborted) {
        try {
          await this.followRevocations(controller.signal);
          failures = 0;
        } catch (error) {
          if (controller.signal.aborted) return;
          if (failures++ === 0)
            this.options.logger.warn(
              { err: error },
              'revocation feed unavailable; cached answers live out their TTL',
            );
        }
        if (controller.signal.aborted) return;
        await new Promise((resolve) =>
          setTimeout(resolve, Math.min(10_000, 500 * 2 ** Math.min(failures, 5))).unref?.(),
        );
      }
    })();
  }

  /** Stops following the revocation feed. */
  close(): void {
    this.revocations?.abort();
  }

  private async followRevocations(signal: AbortSignal): Promise<void> {
    const response = await request(new URL('/internal/revocations', this.options.identityUrl), {
      dispatcher: this.options.dispatcher,
      signal,
      headersTimeout: this.options.timeoutMs ?? 5_000,
      // identity pings every 15 s: a silent minute means the stream is gone
      bodyTimeout: 60_000,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`revocation feed answered ${response.statusCode}`);
    }
    response.body.setEncoding('utf8');
    let buffer = '';
    for await (const chunk of response.body as AsyncIterable<string>) {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) !== -1) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (message.startsWith(': listening') || /^event: reset$/m.test(message)) {
          this.generation++;
          this.cache.clear();
        } else {
          const data = /^data: (.*)$/m.exec(message)?.[1];
          if (data) this.forget(data);
        }
      }
      if (buffer.length > 64_000) buffer = '';
    }
  }

  /**
   * Applies one notice: `{userId}` (a session, key or role), `{credentialId}` (an API key, a PIT, an
   * OAuth install: uninstalling an app; identity's marketplace names them `installId` and `pitId`)
   * or `{appId}` (every token of a marketplace app); a notice may name several.
   */
  private forget(data: string) {
    let notice: {
      userId?: unknown;
      credentialId?: unknown;
      installId?: unknown;
      pitId?: unknown;
      appId?: unknown;
    };
    try {
      notice = JSON.parse(data) as typeof notice;
    } catch {
      return;
    }
    const named = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
    const userId = named(notice?.userId);
    const credentialId = named(notice?.credentialId) ?? named(notice?.installId) ?? named(notice?.pitId);
    const appId = named(notice?.appId);
    if (!userId && !credentialId && !appId) return;
    this.generation++;
    for (const [key, entry] of this.cache) {
      if (!entry.answer.ok) continue;
      const { caller } = entry.answer;
      if (
        (userId && caller.subject === userId) ||
        (credentialId && caller.credentialId === credentialId) ||
        (appId && caller.appId === appId)
      )
        this.cache.delete(key);
    }
    this.revoked++;
  }
  /** Revocation notices applied (tests and metrics). */
  revoked = 0;
  /** Bumped by every notice: lookups that started before one are not cached. */
  private generation = 0;

  private signingKeys = new Map<string, KeyObject>();
  private keysFetchedAt = 0;
  private keysFetch?: Promise<void>;

  /**
   * The user a refresh token names, if its ES256 signature verifies with one of identity's public
   * keys (its JWKS), it is a refresh token of identity's issuer and has not expired. Synchronous, for
   * the limit counters: keys are fetched in the background (on first use, every 5 minutes, and
   * when a token names an unknown key, at most every 10 s); until then a token counts as unverified.
   */
  verifiedRefreshSubject(token: string): string | undefined {
    const now = this.now();
    if (now - this.keysFetchedAt > KEYS_MAX_AGE_MS) this.refreshKeysSoon(now);
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return undefined;
    const parsed = (segment: string) => {
      try {
        return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    };
    const h = parsed(header);
    if (h?.alg !== 'ES256' || typeof h.kid !== 'string') return undefined;
    const key = this.signingKeys.get(h.kid);
    if (!key) {
      this.refreshKeysSoon(now, KEYS_MIN_REFETCH_MS);
      return undefined;
    }
    const valid = verify(
      'sha256',
      Buffer.from(`${header}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    if (!valid) return undefined;
    const claims = parsed(payload);
    if (
      !claims ||
      claims.typ !== 'refresh' ||
      (this.options.tokenIssuer !== undefined && claims.iss !== this.options.tokenIssuer) ||
      typeof claims.exp !== 'number' ||
      claims.exp * 1000 <= now ||
      typeof claims.sub !== 'string' ||
      claims.sub.length > 200
    )
      return undefined;
    return claims.sub;
  }

  private refreshKeysSoon(now: number, minAgeMs = 0) {
    if (this.keysFetch || now - this.keysFetchedAt < minAgeMs) return;
    this.keysFetchedAt = now;
    this.keysFetch = this.fetchSigningKeys()
      .catch((error: unknown) =>
        this.options.logger.warn(
          { err: error },
          "could not fetch identity's JWKS; refresh counts per IP meanwhile",
        ),
      )
      .finally(() => (this.keysFetch = undefined));
  }

  /** Fetches identity's JWKS now (at start; tests). */
  async fetchSigningKeys(): Promise<void> {
    const response = await request(new URL('/.well-known/jwks.json', this.options.identityUrl), {
      dispatcher: this.options.dispatcher,
      headersTimeout: this.options.timeoutMs ?? 5_000,
      bodyTimeout: this.options.timeoutMs ?? 5_000,
    });
    if (response.statusCode !== 200) {
      await response.body.dump();
      throw new Error(`JWKS answered ${response.statusCode}`);
    }
    const { keys } = (await response.body.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    const next = new Map<string, KeyObject>();
    for (const jwk of keys ?? []) {
      if (typeof jwk.kid !== 'string' || jwk.kty !== 'EC' || jwk.crv !== 'P-256') continue;
      next.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    }
    this.signingKeys = next;
    this.keysFetchedAt = this.now();
  }

  private async lookup(
    credential: string,
    scheme: CredentialScheme,
    locationId: string | undefined,
  ): Promise<Authentication> {
    this.lookups++;
    let status: number;
    let body: unknown;
    try {
      const response = await request(new URL('/internal/authenticate', this.options.identityUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credential, scheme, ...(locationId !== undefined ? { locationId } : {}) }),
        dispatcher: this.options.dispatcher,
        headersTimeout: this.options.timeoutMs ?? 5_000,
        bodyTimeout: this.options.timeoutMs ?? 5_000,
      });
      status = response.statusCode;
      body = await response.body.json().catch(() => undefined);
    } catch (error) {
      throw new IdentityUnavailable(error);
    }
    if (status === 200 && isCallerAnswer(body)) {
      const caller = body.caller;
      // The token lives 60 s but is reused only while this answer is cached (at most 5 s).
      const internalToken = await signInternalToken(
        caller,
        this.options.internalTokenSecret,
        INTERNAL_TOKEN_TTL_SECONDS,
      );
      return { ok: true, caller, internalToken };
    }
    if (status === 401 || status === 403) {
      // identity may refine the refusal: `reason` (or `errorCode`), e.g. TOKEN_EXPIRED, INVALID_API_KEY.
      const refusal = (body ?? {}) as { message?: unknown; reason?: unknown; errorCode?: unknown };
      const reason = typeof refusal.reason === 'string' ? refusal.reason : refusal.errorCode;
      return {
        ok: false,
        status,
        message: typeof refusal.message === 'string' ? refusal.message : 'invalid credential',
        errorCode: typeof reason === 'string' ? reason : undefined,
      };
    }
    this.options.logger.error({ status }, 'identity answered /internal/authenticate unexpectedly');
    throw new IdentityUnavailable(new Error(`status ${status}`));
  }
}

function isCallerAnswer(body: unknown): body is { caller: Caller } {
  const caller = (body as { caller?: Partial<Caller> } | undefined)?.caller;
  return (
    typeof caller === 'object' &&
    caller !== null &&
    (caller.kind === 'user' || caller.kind === 'agent' || caller.kind === 'anonymous') &&
    Array.isArray(caller.scopes) &&
    Array.isArray(caller.permissions)
  );
}

/** The credential of an `Authorization: Bearer <credential>` header, if any. */
export function bearerOf(authorization: string | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : undefined;
}
