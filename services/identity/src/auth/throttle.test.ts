import { FREE_FAILURES, lockDurationMs } from './throttle';

describe('login backoff', () => {
  it('costs nothing for the first 5 failures, then 15 s doubling', () => {
    expect([1, 2, 3, 4, 5].map(lockDurationMs)).toEqual([0, 0, 0, 0, 0]);
    expect([6, 7, 8, 9].map(lockDurationMs)).toEqual([15_000, 30_000, 60_000, 120_000]);
  });

  it('is capped at 5 minutes however long someone keeps failing: nobody is locked out for good', () => {
    expect(lockDurationMs(FREE_FAILURES + 6)).toBe(300_000);
    expect(lockDurationMs(10_000)).toBe(300_000);
  });
});
