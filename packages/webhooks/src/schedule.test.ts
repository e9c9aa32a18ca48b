import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, retryDelayMs } from './schedule';
import { retryAfterMs } from './attempt';

describe('the retry schedule', () => {
  it('doubles from 30 s up to 4 h, each wait jittered within its upper half', () => {
    expect([1, 2, 3, 10, 20].map((n) => retryDelayMs(n, DEFAULT_RETRY_SCHEDULE, () => 1 - 1e-12))).toEqual([
      30_000,
      60_000,
      120_000,
      4 * 3_600_000,
      4 * 3_600_000,
    ]);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, () => 0)).toBe(15_000);
    expect(retryDelayMs(4, DEFAULT_RETRY_SCHEDULE, () => 0.5)).toBe(180_000);
  });

  it('gives up after about 24 h: a delivery failing every time gets 12 to 21 attempts (fewer with longer jittered waits)', () => {
    for (const random of [() => 0, () => 0.5, () => 1 - 1e-12]) {
      const enqueued = new Date('2026-01-01T00:00:00Z');
      let now = enqueued;
      let attempts = 1;
      for (;;) {
        const next = nextAttemptAt(enqueued, attempts, now, DEFAULT_RETRY_SCHEDULE, null, random);
        if (!next) break;
        now = next;
        attempts += 1;
      }
      expect(attempts).toBeGreaterThanOrEqual(12);
      expect(attempts).toBeLessThanOrEqual(21);
      expect(now.getTime() - enqueued.getTime()).toBeLessThanOrEqual(24 * 3_600_000);
      expect(now.getTime() - enqueued.getTime()).toBeGreaterThan(18 * 3_600_000);
    }
  });

  it("honours the receiver's Retry-After (seconds or a date), at least 1 s and at most the cap", () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, Math.random, 120_000)).toBe(120_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, Math.random, 0)).toBe(1_000);
    expect(retryDelayMs(1, DEFAULT_RETRY_SCHEDULE, Math.random, 10 * 3_600_000)).toBe(4 * 3_600_000);
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});
