import { Pool } from 'pg';
import { databaseUrl, ensureDatabase, type Logger } from '@seren/service-kit';

/** One counter to bump: `limit` requests per fixed window of `windowMs`, counted under `key`. */
export interface WindowHit {
  key: string;
  limit: number;
  windowMs: number;
}

/** A counter after this request was counted. */
export interface WindowState extends WindowHit {
  count: number;
  remaining: number;
  /** epoch milliseconds at which the window resets */
  resetAt: number;
  exceeded: boolean;
}

export interface RateLimitStoreOptions {
  serverUrl: string;
  database: string;
  logger: Logger;
  /** A query slower than this counts as an outage (fail open). */
  timeoutMs?: number;
  now?: () => number;
}

/** A window of one request, resolved to its fixed window's start and end. */
interface CountedWindow extends WindowHit {
  windowStart: number;
  resetAt: number;
}

interface PendingCount {
  windows: CountedWindow[];
  resolve(counts: number[] | undefined): void;
}

const counterId = (window: { key: string; windowStart: number }) => `${window.windowStart}:${window.key}`;

const CLEANUP_EVERY_MS = 60_000;
const WARN_EVERY_MS = 10_000;
const RETRY_SETUP_AFTER_MS = 1_000;
const LAST_SEEN_MAX = 100_000;

/**
 * Fixed-window counters shared by every gateway instance, in an UNLOGGED PostgreSQL table of the
 * gateway's own database: one atomic `insert ... on conflict do update ... returning` bumps the
 * windows of every request queued since the previous statement (see `count`). UNLOGGED because
 * counters are worth less than the WAL they would cost:
 * a server crash resets them, which errs on the side of letting requests through.
 *
 * An outage (server down, slow, table missing) never takes the API down: `hit` answers `undefined`
 * and the request goes through unlimited, with a warning logged at most every 10 s.
 */
export class RateLimitStore {
  private readonly pool: Pool;
  private setup?: Promise<void>;
  private setupFailedAt = 0;
  private lastWarning = 0;
  private lastCleanup = 0;
  /** What this instance last saw of each counter, to let reads far from their limits run ahead. */
  private readonly lastSeen = new Map<string, { remaining: number; limit: number; resetAt: number }>();
  private readonly now: () => number;
  private readonly timeoutMs: number;
  private queue: PendingCount[] = [];
  private flushScheduled = false;
  private flushing = false;

  constructor(private readonly options: RateLimitStoreOptions) {
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.timeoutMs ?? 1_000;
    this.pool = new Pool({
      connectionString: databaseUrl(options.serverUrl, options.database),
      max: 8,
      connectionTimeoutMillis: this.timeoutMs,
      query_timeout: this.timeoutMs,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its server must not crash the process; the next query reconnects.
    this.pool.on('error', (error) => this.warn(error));
  }

  /** Creates the database and table; called lazily so the gateway starts while PostgreSQL is down. */
  private ensureSchema(): Promise<void> {
    if (!this.setup) {
      this.setup = (async () => {
        await ensureDatabase(this.options.serverUrl, this.options.database);
        await this.pool.query(`
          create unlogged table if not exists rate_limit_counters (
            key text not null,
            window_start bigint not null,
            count integer not null,
            expires_at timestamptz not null,
            primary key (key, window_start)
          )`);
        await this.pool.query(
          'create index if not exists rate_limit_counters_expiry on rate_limit_counters (expires_at)',
        );
      })().catch((error: unknown) => {
        this.setup = undefined;
        this.setupFailedAt = this.now();
        throw error;
      });
    }
    return this.setup;
  }

  /**
   * Creates the table now rather than on the first request (at startup); false, with a warning,
   * when PostgreSQL does not answer within `waitMs`: the gateway starts anyway and retries later.
   */
  async prepare(waitMs = 10_000): Promise<boolean> {
    try {
      await withTimeout(this.ensureSchema(), waitMs);
      return true;
    } catch (error) {
      this.warn(error);
      return false;
    }
  }

  /**
   * Whether every counter had, at this instance's last look and in the current window, more than
   * a tenth of its limit (and at least 5 requests) left.
   */
  farFromLimits(hits: WindowHit[]): boolean {
    const now = this.now();
    return hits.every((hit) => {
      const seen = this.lastSeen.get(hit.key);
      return !!seen && seen.resetAt > now && seen.remaining > Math.max(5, seen.limit / 10);
    });
  }

  private remember(state: WindowState) {
    if (this.lastSeen.size >= LAST_SEEN_MAX && !this.lastSeen.has(state.key)) {
      const oldest = this.lastSeen.keys().next();
      if (!oldest.done) this.lastSeen.delete(oldest.value);
    }
    this.lastSeen.set(state.key, { remaining: state.remaining, limit: state.limit, resetAt: state.resetAt });
  }

  /** Counts one request in every window; `undefined` when the store is unavailable (fail open). */
  async hit(hits: WindowHit[]): Promise<WindowState[] | undefined> {
    if (hits.length === 0) return [];
    if (!this.setup && this.now() - this.setupFailedAt < RETRY_SETUP_AFTER_MS) return undefined;
    const now = this.now();
    const windows = hits.map((hit) => {
      const windowStart = Math.floor(now / hit.windowMs) * hit.windowMs;
      return { ...hit, windowStart, resetAt: windowStart + hit.windowMs };
    });
    const counts = await this.count(windows);
    if (!counts) return undefined;
    this.cleanupSometimes(now);
    // In the caller's order: products read their windows by position (e.g. Serebro's burst, then daily).
    return windows.map((row, i) => {
      const count = counts[i]!;
      const state: WindowState = {
        key: row.key,
        limit: row.limit,
        windowMs: row.windowMs,
        count,
        remaining: Math.max(0, row.limit - count),
        resetAt: row.resetAt,
        exceeded: count > row.limit,
      };
      this.remember(state);
      return state;
    });
  }

  /**
   * Queues a request's windows for the next flush. One statement is in flight at a time (group
   * commit): it carries the requests of one turn of the event loop when idle, and under load every
   * request that arrived while the previous statement ran. Each still gets its exact count. Flushes
   * in parallel would only queue behind each other on the same hot rows, costing the server more.
   */
  private count(windows: CountedWindow[]): Promise<number[] | undefined> {
    return new Promise((resolve) => {
      this.queue.push({ windows, resolve });
      this.scheduleFlush();
    });
  }

  private scheduleFlush() {
    if (this.flushScheduled || this.flushing || this.queue.length === 0) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flushing = true;
      void this.flush().finally(() => {
        this.flushing = false;
        this.scheduleFlush();
      });
    });
  }

  private async flush(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    // One row per counter, incremented by the number of queued requests that count in it.
    const totals = new Map<string, CountedWindow & { requests: number }>();
    for (const pending of batch) {
      for (const window of pending.windows) {
        const total = totals.get(counterId(window));
        if (total) total.requests += 1;
        else totals.set(counterId(window), { ...window, requests: 1 });
      }
    }
    // A stable order keeps two flushes bumping the same rows from deadlocking.
    const rows = [...totals.values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.windowStart - b.windowStart,
    );
    try {
      await withTimeout(this.ensureSchema(), this.timeoutMs);
      const result = await this.pool.query<{ key: string; window_start: string; count: number }>(
        `insert into rate_limit_counters as c (key, window_start, count, expires_at)
         select k, w, n, to_timestamp(e / 1000.0)
           from unnest($1::text[], $2::bigint[], $3::bigint[], $4::int[]) as t(k, w, e, n)
         on conflict (key, window_start) do update set count = c.count + excluded.count
         returning key, window_start, count`,
        [
          rows.map((r) => r.key),
          rows.map((r) => r.windowStart),
          rows.map((r) => r.resetAt),
          rows.map((r) => r.requests),
        ],
      );
      const finalCounts = new Map(
        result.rows.map((row) => [
          counterId({ key: row.key, windowStart: Number(row.window_start) }),
          Number(row.count),
        ]),
      );
      // Hand the counts out in arrival order: the first queued request sees the lowest count.
      const handedOut = new Map<string, number>();
      for (const pending of batch) {
        pending.resolve(
          pending.windows.map((window) => {
            const id = counterId(window);
            const nth = (handedOut.get(id) ?? 0) + 1;
            handedOut.set(id, nth);
            return finalCounts.get(id)! - totals.get(id)!.requests + nth;
          }),
        );
      }
    } catch (error) {
      this.warn(error);
      for (const pending of batch) pending.resolve(undefined);
    }
  }

  private cleanupSometimes(now: number) {
    if (now - this.lastCleanup < CLEANUP_EVERY_MS) return;
    this.lastCleanup = now;
    // The store's clock, not the server's, decides what has expired (the same clock wrote expires_at).
    this.pool
      .query('delete from rate_limit_counters where expires_at < to_timestamp($1 / 1000.0)', [now])
      .catch((error: unknown) => this.warn(error));
  }

  private warn(error: unknown) {
    const now = this.now();
    if (now - this.lastWarning < WARN_EVERY_MS) return;
    this.lastWarning = now;
    this.options.logger.warn(
      { err: error },
      'rate limiter unavailable: requests pass unlimited until PostgreSQL answers again (fail open)',
    );
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
