import type { Caller } from '@seren/service-kit';
import type { RateWindow } from '../config.js';
import type { Product, RateLimitClasses, RestError } from '../rest/types.js';
import type { WindowHit, WindowState } from './rate-limit.js';

/** Who a request counts against. */
export interface LimitSubject {
  caller: Caller;
  ip: string;
  /** the parsed JSON body, for limits keyed by something in it (Serelo refresh: the token's user) */
  body: unknown;
}

/** One product's limits: the windows of each class, how they are keyed, advertised and refused. */
export interface ProductLimits<P extends Product> {
  windows: Record<RateLimitClasses[P], RateWindow[]>;
  /** The identity a class counts against, e.g. the user, the IP, the app and resource. */
  keyOf(limitClass: RateLimitClasses[P], subject: LimitSubject): string;
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

/** The subject of a JWT refresh token, read without verifying it: it only picks a counter. */
function refreshTokenSubject(body: unknown): string | undefined {
  const token = (body as { refresh_token?: unknown } | undefined)?.refresh_token;
  if (typeof token !== 'string') return undefined;
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
    return typeof sub === 'string' && sub.length <= 200 ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serelo, "Rate Limiting": login 5/min per IP, register 3/min per IP, refresh 10/min per user,
 * everything else 100/min and 1,000/h per user (per IP when anonymous).
 */
export const sereloLimits: ProductLimits<'serelo'> = {
  windows: {
    login: [{ limit: 5, windowMs: MINUTE }],
    register: [{ limit: 3, windowMs: MINUTE }],
    refresh: [{ limit: 10, windowMs: MINUTE }],
    general: [
      { limit: 100, windowMs: MINUTE },
      { limit: 1000, windowMs: HOUR },
    ],
  },
  keyOf(limitClass, subject) {
    switch (limitClass) {
      case 'login':
      case 'register':
        return `ip:${subject.ip}`;
      case 'refresh': {
        const user = refreshTokenSubject(subject.body);
        return user ? `user:${user}` : `ip:${subject.ip}`;
      }
      case 'general':
        return userOrIp(subject);
    }
  },
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
  // The app is the authenticated principal (the API key's or the OAuth client's), the resource its organization.
  keyOf: (_class, { caller, ip }) =>
    caller.subject
      ? `app:${caller.via ?? 'key'}:${caller.subject}:res:${caller.organizationId ?? '-'}`
      : `ip:${ip}`,
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
 * SerenAI's spec states no rate limits. The gateway adds brute-force protection only on the
 * credential routes (`sensitive`: 10/min per IP); `general` has no window unless configured.
 */
export const serenaiLimits: ProductLimits<'serenai'> = {
  windows: {
    general: [],
    sensitive: [{ limit: 10, windowMs: MINUTE }],
  },
  keyOf: (limitClass, subject) => (limitClass === 'sensitive' ? `ip:${subject.ip}` : userOrIp(subject)),
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

/** The counters one request bumps: the windows of its class (with overrides), keyed per the product. */
export function hitsFor<P extends Product>(
  product: P,
  limitClass: RateLimitClasses[P],
  subject: LimitSubject,
  overrides: Record<string, RateWindow[]> = {},
): WindowHit[] {
  const limits = productLimits[product] as ProductLimits<P>;
  const windows = limits.windows[limitClass];
  if ((overrides[`${product}.${limitClass}`] ?? windows).length === 0) return [];
  return windowHits(product, limitClass, limits.keyOf(limitClass, subject), windows, overrides);
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
