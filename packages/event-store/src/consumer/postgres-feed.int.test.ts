import pino from 'pino';
import { EventStore } from '../store.js';
import { createTestDatabase, type TestDatabase } from '../test-support/database.js';
import { eventually } from '../test-support/kafka.js';
import { createConsumer } from './index.js';
import type { ConsumedEvent, Consumer, ConsumerOptions } from './types.js';

// What only the PostgreSQL-fed mode has: the one-machine warning, one reader per (group, source)
// across processes, several source databases, and the relay's commit-order rule.
const lines: string[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });

let sources: TestDatabase[];
let target: TestDatabase;
const consumers: Consumer[] = [];

beforeEach(async () => {
  [target, ...sources] = await Promise.all([
    createTestDatabase('es_feed_dst'),
    createTestDatabase('es_feed_a'),
    createTestDatabase('es_feed_b'),
  ]);
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all([target, ...sources].map((db) => db.drop()));
});

function options(handled: ConsumedEvent[], extra: Partial<ConsumerOptions> = {}): ConsumerOptions {
  return {
    groupId: 'billing',
    topics: ['test.thing'],
    topicFor: () => 'test.thing',
    dataSource: target.dataSource,
    sources: [{ name: 'service-a', url: sources[0]!.url }],
    handler: async (event, { manager }) => {
      handled.push(event);
      await manager.query(`select 1`);
    },
    logger,
    pollIntervalMs: 200,
    lockRetryMs: 200,
    ...extra,
  };
}

async function start(o: ConsumerOptions) {
  const consumer = createConsumer(o);
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

describe('consumer fed from PostgreSQL (no KAFKA_BROKERS)', () => {
  it('says once, loudly, that it is for one machine only', async () => {
    await start(options([]));
    await start(options([], { groupId: 'other' }));
    const warnings = lines.map((l) => JSON.parse(l)).filter((l) => /ONE MACHINE ONLY/.test(l.msg));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].level).toBe(40);
  });

  it('lets one reader per group and source consume; a standby takes over when it stops', async () => {
    const store = new EventStore({ dataSource: sources[0]!.dataSource });
    const a: ConsumedEvent[] = [];
    const b: ConsumedEvent[] = [];
    const first = await start(options(a));
    await start(options(b));
    for (let i = 0; i < 10; i++) await store.append(`s-${i % 2}`, 'thing', [{ type: 'Made', data: { i } }]);
    await eventually('10 events handled', async () => a.length + b.length >= 10);
    await new Promise((r) => setTimeout(r, 300));
    expect(a.length + b.length).toBe(10);
    expect(a.length === 0 || b.length === 0).toBe(true);

    const [active, standby] = a.length > 0 ? [first, b] : [consumers[1]!, a];
    await active.stop();
    await store.append('s-0', 'thing', [{ type: 'Made', data: { i: 10 } }]);
    await eventually('the standby handles the next event', async () => standby.length === 1, 10_000);
    expect((standby[0]!.data as { i: number }).i).toBe(10);
  });

  it('reads several source databases, each in its commit order, with a checkpoint per source', async () => {
    const handled: ConsumedEvent[] = [];
    await start(
      options(handled, { sources: sources.map((db, i) => ({ name: `service-${'ab'[i]}`, url: db.url })) }),
    );
    const [storeA, storeB] = sources.map((db) => new EventStore({ dataSource: db.dataSource }));

    await storeB!.append('b', 'thing', [{ type: 'Made', data: { b: true } }]);
    await eventually('source B delivered', async () => handled.some((e) => e.source === 'service-b'));

    // In source A an early transaction commits last; it must not be skipped. (While it is open,
    // nothing newer is read from ANY database of the server: the horizon is cluster-wide.)
    const early = sources[0]!.dataSource.createQueryRunner();
    await early.startTransaction();
    await storeA!.append('early', 'thing', [{ type: 'Made', data: { early: true } }], {
      manager: early.manager,
    });
    await storeA!.append('late', 'thing', [{ type: 'Made', data: { late: true } }]);
    await new Promise((r) => setTimeout(r, 500));
    expect(handled.filter((e) => e.source === 'service-a')).toHaveLength(0);

    await early.commitTransaction();
    await early.release();
    await eventually(
      'source A delivered',
      async () => handled.filter((e) => e.source === 'service-a').length === 2,
    );
    expect(handled.filter((e) => e.source === 'service-a').map((e) => e.subject)).toEqual(['early', 'late']);
    const checkpoints = await target.dataSource.query(
      `select source from feed_checkpoints where group_id = 'billing' order by source`,
    );
    expect(checkpoints).toEqual([{ source: 'service-a' }, { source: 'service-b' }]);
  });

  it('skips events of other topics and still moves its checkpoint past them', async () => {
    const store = new EventStore({ dataSource: sources[0]!.dataSource });
    const handled: ConsumedEvent[] = [];
    await start(options(handled, { topicFor: (e) => (e.type === 'Wanted' ? 'test.thing' : 'test.other') }));
    await store.append('s', 'thing', [
      { type: 'Unwanted', data: {} },
      { type: 'Wanted', data: {} },
      { type: 'Unwanted', data: {} },
    ]);
    await eventually('the wanted event', async () => handled.length === 1);
    await eventually('checkpoint at the last event', async () => {
      const [row] = await target.dataSource.query(`select position from feed_checkpoints`);
      return Number(row?.position) === 3;
    });
    expect(handled.map((e) => e.type)).toEqual(['Wanted']);
  });
});
