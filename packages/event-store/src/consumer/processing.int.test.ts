import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../test-support/database.js';
import { testLogger } from '../test-support/quiet.js';
import { EventProcessor, type Delivery } from './processing.js';
import type { ConsumedEvent, HandlerContext } from './types.js';

// The EventProcessor against PostgreSQL: events share transactions, yet each one's effects,
// attempts and dead letter are as if it ran alone.
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase('es_processing');
  await db.dataSource.query(`create table effects (event_id uuid primary key, n int not null)`);
});
afterAll(() => db?.drop());

const event = (i: number, id: string = randomUUID()): ConsumedEvent => ({
  id,
  type: 'Numbered',
  data: { i },
  schemaVersion: 1,
  source: 'test',
  subject: `s-${i}`,
  time: new Date(),
  metadata: {},
  topic: 't',
});

async function effect(e: ConsumedEvent, { manager }: HandlerContext) {
  await manager.query(
    `insert into effects (event_id, n) values ($1, 1) on conflict (event_id) do update set n = effects.n + 1`,
    [e.id],
  );
}

const effectsOf = async (events: readonly ConsumedEvent[]) =>
  (await db.dataSource.query(`select event_id, n from effects where event_id = any($1::uuid[])`, [
    events.map((e) => e.id),
  ])) as { event_id: string; n: number }[];

function delivery(overrides: Partial<Delivery<ConsumedEvent>> = {}) {
  const settled: number[] = [];
  const deadLetters: { i: number; error: string; attempts: number }[] = [];
  const processor = (
    handler: (e: ConsumedEvent, c: HandlerContext) => Promise<void>,
    maxPerTransaction = 100,
  ) =>
    new EventProcessor(
      randomUUID(),
      db.dataSource,
      handler,
      testLogger,
      { attempts: 3, initialDelayMs: 5 },
      maxPerTransaction,
    );
  const d: Delivery<ConsumedEvent> = {
    event: (e) => e,
    settled: (e) => void settled.push((e.data as { i: number }).i),
    deadLetter: async (e, error, attempts) => {
      deadLetters.push({ i: (e.data as { i: number }).i, error: error.message, attempts });
    },
    stopping: () => false,
    ...overrides,
  };
  return { d, settled, deadLetters, processor };
}

describe('EventProcessor', () => {
  it('handles a redelivered event once, even twice within one transaction', async () => {
    const { d, processor } = delivery();
    const events = [event(0), event(1), event(2)];
    const p = processor(effect);
    await p.run([...events, events[1]!], d);
    await p.run(events, d);
    expect((await effectsOf(events)).map((r) => r.n)).toEqual([1, 1, 1]);
  });

  it('commits the events before a failing handler, retries it alone, dead-letters it, and goes on', async () => {
    const { d, settled, deadLetters, processor } = delivery();
    const events = Array.from({ length: 10 }, (_, i) => event(i));
    let poisonCalls = 0;
    const p = processor(async (e, context) => {
      await effect(e, context);
      if ((e.data as { i: number }).i === 4) {
        poisonCalls++;
        throw new Error('poison');
      }
    }, 4);
    await p.run(events, d);
    expect(poisonCalls).toBe(3);
    expect(deadLetters).toEqual([{ i: 4, error: 'poison', attempts: 3 }]);
    // Groups of 4: [0-3] together, 4 alone (dead-lettered), then [5-8] and [9] together.
    expect(settled).toEqual([3, 4, 8, 9]);
    const rows = await effectsOf(events);
    expect(rows).toHaveLength(9);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('lets a handler that fails once succeed on its retry, without a dead letter', async () => {
    const { d, deadLetters, processor } = delivery();
    const events = Array.from({ length: 6 }, (_, i) => event(i));
    let failed = false;
    let calls = 0;
    await processor(async (e, context) => {
      calls++;
      if ((e.data as { i: number }).i === 2 && !failed) {
        failed = true;
        throw new Error('flaky');
      }
      await effect(e, context);
    }).run(events, d);
    expect(deadLetters).toEqual([]);
    // 3 calls in the rolled-back group (0, 1, 2), then 0 and 1 and 2 alone, then 3..5 together.
    expect(calls).toBe(9);
    expect((await effectsOf(events)).map((r) => r.n)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('stops between transactions when asked, leaving the rest unsettled', async () => {
    let stop = false;
    const { d, settled, processor } = delivery({ stopping: () => stop });
    const events = Array.from({ length: 9 }, (_, i) => event(i));
    await processor(async (e, context) => {
      await effect(e, context);
      if ((e.data as { i: number }).i === 2) stop = true;
    }, 3).run(events, d);
    expect(settled).toEqual([2]);
    expect(await effectsOf(events)).toHaveLength(3);
  });
});
