import { createHash } from 'node:crypto';
import type { Caller } from '@seren/service-kit';
import type { RateWindow } from '../config.js';
import type { Product, RateLimitClasses, RestError } from '../rest/types.js';
import type { WindowHit, WindowState } from './rate-limit.js';

/** Who a request counts against. */
export interface LimitSubject {
  caller: Caller;
  ip: string;
  /**
   * The parsed JSON body (REST) or the credential mutation's arguments (GraphQL), for counters keyed
   * by something in it: the login's address, the refresh token's user.
   */
  body: unknown;
  /** Verifies a refresh token's signature; without it, refresh counts per IP only. */
  tokens?: RefreshTokenVerifier;
}

/** The subject (`sub`) of a refresh token whose signature, issuer and expiry check out, else undefined. */
export interface RefreshTokenVerifier {
  verifiedRefreshSubject(token: string): string | undefined;
}

/** One product's limits: the windows of each class, how they are keyed, advertised and refused. */
export interface ProductLimits<P extends Product> {
  /** The windows of the product's own classes (credential classes count in CREDENTIAL_LIMITS). */
  windows: Record<Exclude<RateLimitClasses[P], CredentialClass>, RateWindow[]>;
  /** The identity a class counts against, e.g. the user, the IP, the app and resource. */
  keyOf(limitClass: Exclude<RateLimitClasses[P], CredentialClass>, subject: LimitSubject): string;
  /** The response headers advertising the state of the windows after this request. */
  headers(states: WindowState[]): Record<string, string>;
  /** The 429 error when a window is exceeded. */
  tooMany(exceeded: WindowState, now: number): RestError;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const userOrIp = ({ caller, ip }: LimitSubject) => (caller.subject ? `user:${caller.subject}` : `ip:${ip}`);
export const retryAfterSeconds = (state: WindowState, now: number) =>
  Math.max(1, Math.ceil((state.resetAt - now) / 1000));

/**
 * The exceeded window that resets last, if any: the one a refused client must wait for (with both
 * Serelo windows used up, retrying when the minute turns would still be refused until the hour does).
 */
export function exceededWindow(states: WindowState[]): WindowState | undefined {
  let latest: WindowState | undefined;
  for (const state of states)
    if (state.exceeded && (!latest || state.resetAt > latest.resetAt)) latest = state;
  return latest;
}

/** The window a client should hear about: the exceeded one, else the one with the fewest requests left. */
function tightest(states: WindowState[]): WindowState | undefined {
  return (
    exceededWindow(states) ??
    [...states].sort((a, b) => a.remaining - b.remaining || b.resetAt - a.resetAt)[0]
  );
}

/** `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (epoch seconds), as Serelo documents them. */
export function limitRemainingReset(states: WindowState[]): Record<string, string> {
  const state = tightest(states);
  if (!state) return {};
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-reset': String(Math.ceil(state.resetAt / 1000)),
  };
}

// ---- credential actions ----------------------------------------------------------------------

/**
 * What a credential route or mutation does. Each action has its own counters, shared by every
 * surface that performs it: Serelo's `POST /api/v1/auth/login` and GraphQL `login` count in the same
 * ones, so the graph adds no guesses, and a burst of agent sign-ups does not block password resets.
 * The names are the GraphQL mutations'.
 */
export type CredentialAction =
  | 'login'
  | 'register'
  | 'refreshTokens'
  | 'registerAgent'
  | 'updateAgent'
  | 'changePassword'
  | 'forgotPassword'
  | 'resendVerification'
  | 'resetPassword'
  | 'verifyEmail'
  | 'acceptInvite'
  | 'recoverWallet';

/** Who a credential counter counts: the client IP, the account named in the request, the caller, or the refresh token's verified user. */
type CountedPer = 'ip' | 'account' | 'caller' | 'tokenUser';

const perIp = (limit: number): CredentialCounter => ({ per: 'ip', windows: [{ limit, windowMs: MINUTE }] });
interface CredentialCounter {
  per: CountedPer;
  windows: RateWindow[];
}

/**
 * The counters of each action (overridable as `credential.<action>.<per>`). Serelo's documented
 * limits (login 5/min per IP, register 3/min per IP, refresh 10/min per user) apply to the graph
 * too; SerenAI documents none, so its credential routes get 10/min per IP, each its own.
 */
export const CREDENTIAL_LIMITS: Record<CredentialAction, CredentialCounter[]> = {
  // per IP, and per account across IPs: guesses spread over many IPs stay at 10 a minute per account
  // (identity adds a backoff per account and IP after repeated failures)
  login: [perIp(5), { per: 'account', windows: [{ limit: 10, windowMs: MINUTE }] }],
  register: [perIp(3)],
  // per user once the token's signature verifies; a token that does not verify counts per IP, so
  // forged tokens naming a victim cannot use up the victim's counter
  refreshTokens: [{ per: 'tokenUser', windows: [{ limit: 10, windowMs: MINUTE }] }],
  registerAgent: [perIp(10)],
  // sends mail: per IP so neither many agents from one place nor one agent can spam addresses
  updateAgent: [perIp(10)],
  changePassword: [{ per: 'caller', windows: [{ limit: 10, windowMs: MINUTE }] }],
  forgotPassword: [perIp(10)],
  resendVerification: [perIp(10)],
  resetPassword: [perIp(10)],
  verifyEmail: [perIp(10)],
  acceptInvite: [{ per: 'caller', windows: [{ limit: 10, windowMs: MINUTE }] }],
  recoverWallet: [perIp(10)],
};

/** The REST rate-limit classes that are credential actions (Serelo's documented names, SerenAI's routes'). */
export const CREDENTIAL_CLASSES = {
  login: 'login',
  register: 'register',
  refresh: 'refreshTokens',
  registerAgent: 'registerAgent',
  updateAgent: 'updateAgent',
  forgotPassword: 'forgotPassword',
  resendVerification: 'resendVerification',
  resetPassword: 'resetPassword',
  verifyEmail: 'verifyEmail',
  recoverWallet: 'recoverWallet',
} as const satisfies Record<string, CredentialAction>;
export type CredentialClass = keyof typeof CREDENTIAL_CLASSES;

const isCredentialClass = (limitClass: string): limitClass is CredentialClass =>
  Object.hasOwn(CREDENTIAL_CLASSES, limitClass);

const stringField = (body: unknown, ...names: string[]): string | undefined => {
  if (!body || typeof body !== 'object') return undefined;
  for (const name of names) {
    const value = (body as Record<string, unknown>)[name];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
};

/** The account a login names, as a digest: counter keys never hold an address. */
function accountOf(body: unknown): string | undefined {
  const email = stringField(body, 'email');
  if (!email || email.length > 1000) return undefined;
  return createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 32);
}

function whoFor(per: CountedPer, subject: LimitSubject): string | undefined {
  switch (per) {
    case 'ip':
      return `ip:${subject.ip}`;
    case 'caller':
      return userOrIp(subject);
    case 'account': {
      const account = accountOf(subject.body);
      return account ? `account:${account}` : undefined;
    }
    case 'tokenUser': {
      const token = stringField(subject.body, 'refresh_token', 'refreshToken');
      const user = token && token.length <= 4096 ? subject.tokens?.verifiedRefreshSubject(token) : undefined;
      return user ? `user:${user}` : `ip:${subject.ip}`;
    }
  }
}

/**
 * The counters one credential action bumps, keyed `credential:<action>.<per>:<window ms>:<who>`.
 * `alias` is the REST class's own override name (e.g. `serelo.login`), which replaces the windows
 * of the action's first counter.
 */
export function credentialHits(
  action: CredentialAction,
  subject: LimitSubject,
  overrides: Record<string, RateWindow[]> = {},
  alias?: string,
): WindowHit[] {
  return CREDENTIAL_LIMITS[action].flatMap((counter, i) => {
    const who = whoFor(counter.per, subject);
    if (!who) return [];
    const aliased = i === 0 && alias ? overrides[alias] : undefined;
    return windowHits('credential', `${action}.${counter.per}`, who, aliased ?? counter.windows, overrides);
  });
}

/**
 * Serelo, "Rate Limiting": login 5/min per IP, register 3/min per IP, refresh 10/min per user,
 * everything else 100/min and 1,000/h per user (per IP when anonymous).
 */
export const sereloLimits: ProductLimits<'serelo'> = {
  // login, register and refresh are credential classes: see CREDENTIAL_LIMITS
  windows: {
    general: [
      { limit: 100, windowMs: MINUTE },
      { limit: 1000, windowMs: HOUR },
    ],
  },
  keyOf: (_class, subject) => userOrIp(subject),
  headers: limitRemainingReset,
  tooMany(exceeded, now) {
    const seconds = retryAfterSeconds(exceeded, now);
    return {
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      message: `Too many requests. Try again in ${seconds} seconds.`,
      extra: { retry_after: seconds },
    };
  },
};

/**
 * Serebro: 100 requests per 10 s burst and 200,000 per day, per app per resource (location or
 * company), advertised with its five documented headers.
 */
export const serebroLimits: ProductLimits<'serebro'> = {
  windows: {
    api: [
      { limit: 100, windowMs: 10_000 },
      { limit: 200_000, windowMs: DAY },
    ],
  },
  keyOf: (_class, subject) => serebroCounterOf(subject),
  headers(states) {
    const [burst, daily] = states;
    if (!burst) return {};
    const headers: Record<string, string> = {
      'x-ratelimit-interval-milliseconds': String(burst.windowMs),
      'x-ratelimit-max': String(burst.limit),
      'x-ratelimit-remaining': String(burst.remaining),
    };
    if (daily) {
      headers['x-ratelimit-limit-daily'] = String(daily.limit);
      headers['x-ratelimit-daily-remaining'] = String(daily.remaining);
    }
    return headers;
  },
  tooMany(exceeded, now) {
    const seconds = retryAfterSeconds(exceeded, now);
    const which = exceeded.windowMs >= DAY ? 'daily' : 'burst';
    return {
      status: 429,
      code: 'RATE_LIMITED',
      message: `Rate limit exceeded (${which}); retry in ${seconds} s.`,
    };
  },
};

/**
 * Who a Serebro request counts against. v2: the marketplace app (an OAuth token's client app; a PIT
 * is its own app) per resource, the location or agency the credential was issued for, so two apps
 * on one location, or one app on two locations, never share a counter, and an agency token naming
 * its locations counts against the agency. v1: the API key (per-key limits, as before). Anything
 * else: the user, else the IP.
 */
export function serebroCounterOf({ caller, ip }: LimitSubject): string {
  const resource = caller.resourceId ?? caller.organizationId ?? '-';
  if ((caller.via === 'oauth' || caller.via === 'pit') && caller.appId)
    return `app:${caller.via}:${caller.appId}:res:${resource}`;
  if (caller.via === 'api_key' && caller.credentialId) return `key:${caller.credentialId}`;
  return caller.subject ? `user:${caller.via ?? '-'}:${caller.subject}:res:${resource}` : `ip:${ip}`;
}

/**
 * SerenAI's spec states no rate limits. The gateway adds brute-force protection only on the
 * credential routes (each its own counter, see CREDENTIAL_LIMITS); `general` has no window unless
 * configured.
 */
export const serenaiLimits: ProductLimits<'serenai'> = {
  windows: { general: [] },
  keyOf: (_class, subject) => userOrIp(subject),
  headers: limitRemainingReset,
  tooMany(exceeded, now) {
    const seconds = retryAfterSeconds(exceeded, now);
    return {
      status: 429,
      code: 'RATE_LIMITED',
      message: `Too many requests. Try again in ${seconds} seconds.`,
      extra: { retry_after: seconds },
    };
  },
};

export const productLimits: { [P in Product]: ProductLimits<P> } = {
  serenai: serenaiLimits,
  serebro: serebroLimits,
  serelo: sereloLimits,
};

/**
 * The counters one request bumps: a credential class's counters (shared with the graph), else the
 * windows of its class (with overrides), keyed per the product.
 */
export function hitsFor<P extends Product>(
  product: P,
  limitClass: RateLimitClasses[P],
  subject: LimitSubject,
  overrides: Record<string, RateWindow[]> = {},
): WindowHit[] {
  if (isCredentialClass(limitClass))
    return credentialHits(CREDENTIAL_CLASSES[limitClass], subject, overrides, `${product}.${limitClass}`);
  const own = limitClass as Exclude<RateLimitClasses[P], CredentialClass>;
  const limits = productLimits[product] as ProductLimits<P>;
  const windows = limits.windows[own];
  if ((overrides[`${product}.${own}`] ?? windows).length === 0) return [];
  return windowHits(product, own, limits.keyOf(own, subject), windows, overrides);
}

/**
 * The counters of one limit class for one subject (`who`): its default windows, or the ones
 * RATE_LIMIT_OVERRIDES gives for `<scope>.<class>`, each keyed `<scope>:<class>:<window ms>:<who>`.
 */
export function windowHits(
  scope: string,
  limitClass: string,
  who: string,
  windows: RateWindow[],
  overrides: Record<string, RateWindow[]> = {},
): WindowHit[] {
  return (overrides[`${scope}.${limitClass}`] ?? windows).map((w) => ({
    key: `${scope}:${limitClass}:${w.windowMs}:${who}`,
    limit: w.limit,
    windowMs: w.windowMs,
  }));
}
