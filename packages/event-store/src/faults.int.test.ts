import { createConsumer } from './consumer/index.js';
import type { ConsumedEvent, Consumer, HandlerContext } from './consumer/types.js';
import { Relay } from './relay.js';
import { EventStore } from './store.js';
import { infra, runScript, type Child } from './test-support/child.js';
import { createTestDatabase, type TestDatabase } from './test-support/database.js';
import { KAFKA_BROKERS, createTopics, eventually, readTopic, uniqueName } from './test-support/kafka.js';
import { testLogger } from './test-support/quiet.js';

// Faults against the real broker and database: a relay killed mid-batch, a broker outage, a
// poison message. Each checks the end-to-end promise: every committed event has exactly one
// effect at the consumer.
jest.setTimeout(240_000);

let producer: TestDatabase;
let consumerDb: TestDatabase;
let store: EventStore;
let topic: string;
let groupId: string;
const consumers: Consumer[] = [];
const children: Child[] = [];

beforeEach(async () => {
  [producer, consumerDb] = await Promise.all([
    createTestDatabase('es_fault_src', 20),
    createTestDatabase('es_fault_dst', 20),
  ]);
  await consumerDb.dataSource.query(`create table effects (event_id uuid primary key, n int not null)`);
  store = new EventStore({ dataSource: producer.dataSource });
  topic = uniqueName('es-fault');
  groupId = uniqueName('fault-group');
  await createTopics([topic]);
});

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await child.exited;
  }
  await Promise.all(consumers.splice(0).map((c) => c.stop()));
  await Promise.all([producer.drop(), consumerDb.drop()]);
});

async function recordEffect(event: ConsumedEvent, { manager }: HandlerContext) {
  await manager.query(
    `insert into effects (event_id, n) values ($1, 1) on conflict (event_id) do update set n = effects.n + 1`,
    [event.id],
  );
}

async function startConsumer(handler = recordEffect) {
  const consumer = createConsumer({
    groupId,
    topics: [topic],
    dataSource: consumerDb.dataSource,
    kafka: { brokers: KAFKA_BROKERS },
    handler,
    logger: testLogger,
    retry: { attempts: 3, initialDelayMs: 20 },
    partitionsConsumedConcurrently: 3,
    // After the broker restarts, the group waits for members it still knows to time out.
    kafkaConsumer: { sessionTimeout: 10_000, heartbeatInterval: 1_000 },
  });
  consumers.push(consumer);
  await consumer.start();
  return consumer;
}

/** Appends `count` events in batches of 10 over 50 streams; returns their ids. */
async function write(from: number, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = from; i < from + count; i += 10) {
    const events = Array.from({ length: Math.min(10, from + count - i) }, (_, k) => ({
      type: 'Numbered',
      data: { i: i + k },
    }));
    const appended = await store.append(`s-${(i / 10) % 50}`, 'thing', events);
    ids.push(...appended.events.map((e) => e.id));
  }
  return ids;
}

async function expectExactlyOnce(ids: readonly string[], timeoutMs = 120_000) {
  const count = async () =>
    Number((await consumerDb.dataSource.query(`select count(*) as n from effects`))[0].n);
  await eventually(`${ids.length} effects`, async () => (await count()) >= ids.length, timeoutMs, 250);
  const rows: { event_id: string; n: number }[] = await consumerDb.dataSource.query(
    `select event_id, n from effects`,
  );
  expect(rows.filter((r) => r.n !== 1)).toEqual([]);
  expect(new Set(rows.map((r) => r.event_id))).toEqual(new Set(ids));
}

function spawnRelay(env: Record<string, string> = {}): Child {
  const child = runScript('relay-process.ts', {
    RELAY_DATABASE_URL: producer.url,
    RELAY_TOPIC: topic,
    KAFKA_BROKERS: KAFKA_BROKERS.join(','),
    ...env,
  });
  children.push(child);
  return child;
}

async function kill(child: Child) {
  child.process.kill('SIGKILL');
  await child.exited;
}

describe('faults', () => {
  it('a relay SIGKILLed mid-batch and restarted delivers every committed event, none twice in effect', async () => {
    await startConsumer();
    const before = await write(0, 2_000);

    // 1. Killed after the broker acknowledged its first batch and before the checkpoint: the
    //    worst moment, the batch is on Kafka but the relay will send it again.
    const first = spawnRelay({ RELAY_PAUSE_AFTER_ACK_MS: '60000' });
    const acked = await first.waitFor(/^acked /);
    await kill(first);
    expect(acked).toMatch(/^acked 500 /);
    expect(await producer.dataSource.query(`select * from relay_checkpoints`)).toEqual([]);

    // 2. Writes go on while relays come and go; the second relay dies at a random point of a later batch.
    const writing = write(2_000, 1_000);
    const second = spawnRelay({ RELAY_BATCH_SIZE: '200' });
    await second.waitFor(/^acked /);
    await second.waitFor(/^acked /);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
    await kill(second);

    // 3. The third relay runs to the end.
    const third = spawnRelay();
    const during = await writing;
    const all = [...before, ...during];
    await expectExactlyOnce(all);

    // The resent batch really was on the broker twice: the consumer absorbed the duplicates.
    const seen = new Set<string>();
    const messages = await readTopic(
      topic,
      (read) => seen.add(read.at(-1)!.headers.ce_id!).size >= all.length,
      60_000,
    );
    expect(messages.length).toBeGreaterThanOrEqual(all.length + 500);

    third.process.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('keeps writes succeeding while the broker is down for 10 s, and delivery resumes by itself', async () => {
    const relay = new Relay({
      dataSource: producer.dataSource,
      source: 'producer',
      kafka: { brokers: KAFKA_BROKERS },
      topicFor: () => topic,
      logger: testLogger,
    });
    relay.start();
    await startConsumer();
    const written: string[] = [];
    const failures: unknown[] = [];
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        try {
          written.push(
            ...(await store.append(`s-${i % 20}`, 'thing', [{ type: 'Numbered', data: { i } }])).events.map(
              (e) => e.id,
            ),
          );
        } catch (error) {
          failures.push(error);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    try {
      await eventually(
        'delivery before the outage',
        async () =>
          Number((await consumerDb.dataSource.query(`select count(*) as n from effects`))[0].n) >= 20,
      );

      await infra('down', 'kafka');
      const writtenAtStop = written.length;
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      expect(written.length - writtenAtStop).toBeGreaterThan(100);
    } finally {
      await infra('up', 'kafka');
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    writing = false;
    await writer;

    expect(failures).toEqual([]);
    const resumed = Date.now();
    await expectExactlyOnce(written, 180_000);
    console.info(`delivery complete ${Date.now() - resumed} ms after the broker was back and writes stopped`);
    await relay.stop();
  });

  it('a poison message lands in the dead-letter topic and does not stop the consumer', async () => {
    const relay = new Relay({
      dataSource: producer.dataSource,
      source: 'producer',
      kafka: { brokers: KAFKA_BROKERS },
      topicFor: () => topic,
      logger: testLogger,
    });
    relay.start();
    let poisonAttempts = 0;
    await startConsumer(async (event, context) => {
      if ((event.data as { i: number }).i === 50) {
        poisonAttempts++;
        throw new Error('poison');
      }
      await recordEffect(event, context);
    });
    const ids = await write(0, 100);
    const poisonId = ids[50]!;
    await expectExactlyOnce(ids.filter((id) => id !== poisonId));
    const letters = await readTopic(`dlq.${groupId}`, 1);
    expect(
      letters.map((m) => [m.headers.ce_id, m.headers['x-error'], m.headers['x-original-topic']]),
    ).toEqual([[poisonId, 'Error: poison', topic]]);
    expect(poisonAttempts).toBe(3);
    // More events after the poison still flow.
    const more = await write(100, 10);
    await expectExactlyOnce(ids.filter((id) => id !== poisonId).concat(more));
    await relay.stop();
  });
});
