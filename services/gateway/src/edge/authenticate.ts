import { createHash } from 'node:crypto';
import { request, type Dispatcher } from 'undici';
import { signInternalToken, type Caller, type Logger } from '@seren/service-kit';
import type { CredentialScheme } from './credentials.js';

/** A credential identity accepted: the caller, and the internal token that carries it to the services. */
export interface Authenticated {
  ok: true;
  caller: Caller;
  internalToken: string;
}

/** A credential identity refused; `errorCode` (identity's `reason`) may refine it, e.g. `TOKEN_EXPIRED`. */
export interface Refused {
  ok: false;
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
  /** How long an answer is reused; at most 5 s so a revoked key or session stops within 5 s. */
  ttlMs: number;
  maxEntries: number;
  dispatcher: Dispatcher;
  logger: Logger;
  timeoutMs?: number;
  now?: () => number;
}

const INTERNAL_TOKEN_TTL_SECONDS = 60;

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

  async authenticate(credential: string, scheme: CredentialScheme): Promise<Authentication> {
    const key = createHash('sha256').update(scheme).update('\0').update(credential).digest('base64url');
    const cached = this.cache.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.answer;
    if (cached) this.cache.delete(key);

    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const lookup = this.lookup(credential, scheme)
      .then((answer) => {
        if (this.options.ttlMs > 0) this.remember(key, answer);
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

  private async lookup(credential: string, scheme: CredentialScheme): Promise<Authentication> {
    this.lookups++;
    let status: number;
    let body: unknown;
    try {
      const response = await request(new URL('/internal/authenticate', this.options.identityUrl), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ credential, scheme }),
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
