// When a failed delivery is tried again, and when a receiver is given up on.
//
// Exponential backoff with full jitter over the upper half: attempt n (1 = the first retry) waits
// between 50 % and 100 % of min(base * 2^(n-1), cap). With the defaults (30 s base, 4 h cap) the
// waits are about 30 s, 1, 2, 4, 8, 16, 32, 64, 128 min, then 4 h each, and a delivery is
// failed once its next try would start more than 24 h after it was enqueued: about 13 attempts.
// A Retry-After from the receiver replaces the computed wait (never below 1 s, never above the cap).

export interface RetrySchedule {
  baseMs: number;
  capMs: number;
  /** after this long since the delivery was enqueued, no further attempt: the delivery is failed */
  maxAgeMs: number;
  /**
   * A receiver is disabled when this many of its deliveries in a row ended without being
   * delivered (failed after the whole schedule, or rejected), with no delivery in between.
   */
  disableAfterConsecutiveFailures: number;
}

export const DEFAULT_RETRY_SCHEDULE: RetrySchedule = {
  baseMs: 30_000,
  capMs: 4 * 60 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
  disableAfterConsecutiveFailures: 20,
};

/** The wait before retry number `retry` (1-based), with jitter from `random` in [0, 1). */
export function retryDelayMs(
  retry: number,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
  random: () => number = Math.random,
  retryAfterMs: number | null = null,
): number {
  if (retryAfterMs !== null) return Math.min(Math.max(retryAfterMs, 1_000), schedule.capMs);
  const ceiling = Math.min(schedule.baseMs * 2 ** Math.max(0, retry - 1), schedule.capMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * When the next attempt runs after `attempts` failed ones, or undefined when the delivery is
 * out of time (failed).
 */
export function nextAttemptAt(
  enqueuedAt: Date,
  attempts: number,
  now: Date,
  schedule: RetrySchedule = DEFAULT_RETRY_SCHEDULE,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): Date | undefined {
  const at = new Date(now.getTime() + retryDelayMs(attempts, schedule, random, retryAfterMs));
  return at.getTime() - enqueuedAt.getTime() > schedule.maxAgeMs ? undefined : at;
}
