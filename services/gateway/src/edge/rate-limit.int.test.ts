import { Writable } from 'node:stream';
import { createLogger } from '@seren/service-kit';
import { infraEndpoints } from '@seren/testing';
import { randomBytes } from 'node:crypto';
import { RateLimitStore } from './rate-limit';

const silent = createLogger('test', 'silent');

describe('shared rate-limit counters in PostgreSQL', () => {
  const database = `test_gateway_${randomBytes(6).toString('hex')}`;
  const stores: RateLimitStore[] = [];
  const store = (options: Partial<ConstructorParameters<typeof RateLimitStore>[0]> = {}) => {
    const created = new RateLimitStore({
      serverUrl: infraEndpoints().databaseUrl,
      database,
      logger: silent,
      ...options,
    });
    stores.push(created);
    return created;
  };
  afterAll(() => Promise.all(stores.map((s) => s.close())));

  it('counts each window atomically and reports what is left until the reset', async () => {
    const now = 1_700_000_005_000;
    const limiter = store({ now: () => now });
    expect(await limiter.prepare()).toBe(true);
    const hit = () =>
      limiter.hit([
        { key: 'k:burst', limit: 2, windowMs: 10_000 },
        { key: 'k:daily', limit: 5, windowMs: 86_400_000 },
      ]);
    const first = await hit();
    expect(first).toEqual([
      expect.objectContaining({
        key: 'k:burst',
        count: 1,
        remaining: 1,
        exceeded: false,
        resetAt: 1_700_000_010_000,
      }),
      expect.objectContaining({ key: 'k:daily', count: 1, remaining: 4, exceeded: false }),
    ]);
    await hit();
    const third = await hit();
    expect(third?.[0]).toMatchObject({ count: 3, remaining: 0, exceeded: true });
    expect(third?.[1]).toMatchObject({ count: 3, remaining: 2, exceeded: false });
  });

  it('shares counters between instances, also under concurrency', async () => {
    // one fixed instant: a window turning mid-test would split the counts
    const now = () => 1_700_000_030_000;
    const a = store({ now });
    const b = store({ now });
    const window = [{ key: `shared:${randomBytes(4).toString('hex')}`, limit: 1000, windowMs: 60_000 }];
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).hit(window)));
    const counts = results.map((r) => r![0]!.count).sort((x, y) => x - y);
    expect(counts).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('gives every request of a shared statement its own exact count', async () => {
    // 30 requests in one turn of the event loop share one statement; each must still see a
    // distinct count, in arrival order, so exactly the requests past the limit are refused.
    const limiter = store({ now: () => 1_700_000_030_000 });
    const window = [{ key: `batch:${randomBytes(4).toString('hex')}`, limit: 12, windowMs: 60_000 }];
    const results = await Promise.all(Array.from({ length: 30 }, () => limiter.hit(window)));
    const counts = results.map((r) => r![0]!.count);
    expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(results.filter((r) => r![0]!.exceeded)).toHaveLength(18);
  });

  it('starts a new count in the next window', async () => {
    let now = 1_700_000_000_000;
    const limiter = store({ now: () => now });
    const window = [{ key: 'rolling', limit: 1, windowMs: 1_000 }];
    expect((await limiter.hit(window))![0]!.exceeded).toBe(false);
    expect((await limiter.hit(window))![0]!.exceeded).toBe(true);
    now += 1_000;
    expect((await limiter.hit(window))![0]).toMatchObject({ count: 1, exceeded: false });
  });

  it('fails open with a logged warning when PostgreSQL is unreachable', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'test',
      'warn',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const limiter = new RateLimitStore({
      serverUrl: 'postgres://postgres:postgres@127.0.0.1:1/postgres',
      database,
      logger,
      timeoutMs: 500,
    });
    stores.push(limiter);
    await expect(limiter.hit([{ key: 'x', limit: 1, windowMs: 1000 }])).resolves.toBeUndefined();
    expect(lines.join('')).toMatch(/rate limiter unavailable.*fail open/);
  });
});
