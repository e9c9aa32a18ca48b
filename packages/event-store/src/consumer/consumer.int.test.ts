import { UserRegistered } from '@seren/contracts';
import { Partitioners, type Admin } from 'kafkajs';
import { Relay } from '../relay.js';
import { EventStore } from '../store.js';
import { createTestDatabase, type TestDatabase } from '../test-support/database.js';
import {
  KAFKA_BROKERS,
  createTopics,
  eventually,
  readTopic,
  testKafka,
  uniqueName,
} from '../test-support/kafka.js';
import { testLogger } from '../test-support/quiet.js';
import { createConsumer } from './index.js';
import type { ConsumedEvent, Consumer, ConsumerOptions, HandlerContext } from './types.js';

// The same behaviours through both transports: Kafka (fed by the relay) and PostgreSQL (fed
// straight from the producer's events table). Only the rig differs; the consumer code is the same.
type Transport = 'kafka' | 'postgres';

interface Rig {
  producer: TestDatabase;
  consumer: TestDatabase;
  store: EventStore;
  topic: string;
  groupId: string;
  options(handler: ConsumerOptions['handler'], extra?: Partial<ConsumerOptions>): ConsumerOptions;
  close(): Promise<void>;
}

async function rig(transport: Transport): Promise<Rig> {
  const [producer, consumer] = await Promise.all([
    createTestDatabase('es_src'),
    createTestDatabase('es_dst'),
  ]);
  await consumer.dataSource.query(
    `create table effects (event_id uuid primary key, subject text not null, i int, n int not null)`,
  );
  const topic = uniqueName('es-consume');
  const groupId = uniqueName('group');
  const store = new EventStore({ dataSource: producer.dataSource });
  let relay: Relay | undefined;
  if (transport === 'kafka') {
    await createTopics([topic]);
    relay = new Relay({
      dataSource: producer.dataSource,
      source: 'producer',
      kafka: { brokers: KAFKA_BROKERS },
      topicFor: () => topic,
      logger: testLogger,
    });
    relay.start();
  }
  return {
    producer,
    consumer,
    store,
    topic,
    groupId,
    options: (handler, extra = {}) => ({
      groupId,
      topics: [topic],
      dataSource: consumer.dataSource,
      handler,
      logger: testLogger,
      retry: { attempts: 3, initialDelayMs: 20 },
      ...(transport === 'kafka'
        ? { kafka: { brokers: KAFKA_BROKERS } }
        : { sources: [{ name: 'producer', url: producer.url }], topicFor: () => topic, pollIntervalMs: 200 }),
      ...extra,
    }),
    async close() {
      await relay?.stop();
      await Promise.all([producer.drop(), consumer.drop()]);
    },
  };
}

/** Records each effect; a second effect of one event would show as n = 2. */
async function recordEffect(event: ConsumedEvent, { manager }: HandlerContext) {
  await manager.query(
    `insert into effects (event_id, subject, i, n) values ($1, $2, $3, 1) on conflict (event_id) do update set n = effects.n + 1`,
    [event.id, event.subject, (event.data as { i?: number }).i ?? null],
  );
}

const effects = async (r: Rig) =>
  (await r.consumer.dataSource.query(`select event_id, subject, i, n from effects order by i`)) as {
    event_id: string;
    subject: string;
    i: number;
    n: number;
  }[];

async function appendNumbered(r: Rig, from: number, count: number, streams = 3) {
  const ids: string[] = [];
  for (let i = from; i < from + count; i++) {
    const { events } = await r.store.append(
      `s-${i % streams}`,
      'thing',
      [{ type: 'Numbered', data: { i } }],
      { metadata: { correlationId: `c-${i}` } },
    );
    ids.push(events[0]!.id);
  }
  return ids;
}

describe.each<Transport>(['kafka', 'postgres'])('consumer over %s', (transport) => {
  let r: Rig;
  const consumers: Consumer[] = [];
  const start = async (options: ConsumerOptions) => {
    const consumer = createConsumer(options);
    consumers.push(consumer);
    await consumer.start();
    return consumer;
  };

  beforeEach(async () => {
    r = await rig(transport);
  });
  afterEach(async () => {
    await Promise.all(consumers.splice(0).map((c) => c.stop()));
    await r.close();
  });

  it('chooses its transport from the configuration', async () => {
    expect(createConsumer(r.options(recordEffect)).transport).toBe(transport);
  });

  it('hands each event, typed and in stream order, to the handler in a transaction on the consumer database', async () => {
    const seen: ConsumedEvent[] = [];
    const ids = await appendNumbered(r, 0, 30);
    await start(
      r.options(async (event, context) => {
        seen.push(event);
        await recordEffect(event, context);
      }),
    );
    await eventually('30 effects', async () => (await effects(r)).length === 30);
    expect((await effects(r)).every((e) => e.n === 1)).toBe(true);
    expect(new Set(seen.map((e) => e.id))).toEqual(new Set(ids));
    expect(seen.find((e) => (e.data as { i: number }).i === 4)).toMatchObject({
      type: 'Numbered',
      source: 'producer',
      subject: 's-1',
      schemaVersion: 1,
      topic: r.topic,
      metadata: { correlationId: 'c-4' },
    });
    for (const stream of ['s-0', 's-1', 's-2']) {
      const order = seen.filter((e) => e.subject === stream).map((e) => (e.data as { i: number }).i);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
  });

  it('has no second effect when events are delivered again', async () => {
    await appendNumbered(r, 0, 10);
    let calls = 0;
    const handler = async (event: ConsumedEvent, context: HandlerContext) => {
      calls++;
      await recordEffect(event, context);
    };
    const first = await start(r.options(handler));
    await eventually('10 effects', async () => (await effects(r)).length === 10);
    await first.stop();

    // Rewind the group to the beginning: every event comes again.
    if (transport === 'kafka') {
      const admin: Admin = testKafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId: r.groupId, topic: r.topic, earliest: true });
      await admin.disconnect();
    } else {
      await r.consumer.dataSource.query(`delete from feed_checkpoints`);
    }
    const callsBefore = calls;
    await start(r.options(handler));
    await appendNumbered(r, 10, 1);
    await eventually('the new event', async () => (await effects(r)).length === 11);
    expect(calls - callsBefore).toBe(1);
    expect((await effects(r)).every((e) => e.n === 1)).toBe(true);
  });

  it('retries a failing handler with backoff, then dead-letters the event and goes on', async () => {
    let poisonCalls = 0;
    await start(
      r.options(async (event, context) => {
        if ((event.data as { poison?: boolean }).poison) {
          poisonCalls++;
          await context.manager.query(
            `insert into effects (event_id, subject, i, n) values ($1, 'poison', -1, 1)`,
            [event.id],
          );
          throw new Error('this handler cannot take poison');
        }
        await recordEffect(event, context);
      }),
    );
    const poison = await r.store.append('s-0', 'thing', [{ type: 'Numbered', data: { poison: true } }]);
    await appendNumbered(r, 0, 3);
    await eventually('the events after the poison', async () => (await effects(r)).length === 3);
    expect(poisonCalls).toBe(3);
    // Its partial effects were rolled back with each attempt.
    expect((await effects(r)).map((e) => e.subject)).not.toContain('poison');

    if (transport === 'kafka') {
      const [letter] = await readTopic(`dlq.${r.groupId}`, 1);
      expect(letter!.key).toBe('s-0');
      expect(JSON.parse(letter!.value!)).toEqual({ poison: true });
      expect(letter!.headers).toMatchObject({
        ce_id: poison.events[0]!.id,
        ce_type: 'Numbered',
        'x-error': 'Error: this handler cannot take poison',
        'x-original-topic': r.topic,
        'x-consumer-group': r.groupId,
        'x-attempts': '3',
      });
      expect(letter!.headers['x-original-offset']).toBeDefined();
    } else {
      const letters = await r.consumer.dataSource.query(
        `select group_id, event_id, topic, error, attempts, event from dead_letters`,
      );
      expect(letters).toEqual([
        expect.objectContaining({
          group_id: r.groupId,
          event_id: poison.events[0]!.id,
          topic: r.topic,
          error: 'Error: this handler cannot take poison',
          attempts: 3,
          event: expect.objectContaining({ type: 'Numbered', data: { poison: true }, source: 'producer' }),
        }),
      ]);
    }
  });

  it('dead-letters an event whose data breaks its contract without retrying', async () => {
    let calls = 0;
    const badId = '00000000-0000-4000-8000-00000000bad1';
    if (transport === 'kafka') {
      await start(r.options(async () => void calls++, { events: [UserRegistered] }));
      // A buggy producer: right headers, data that breaks the contract.
      const producer = testKafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.send({
        topic: r.topic,
        messages: [
          {
            key: 'u-1',
            value: '{"userId": 7}',
            headers: {
              ce_specversion: '1.0',
              ce_id: badId,
              ce_type: 'UserRegistered',
              ce_source: 'buggy',
              ce_time: new Date().toISOString(),
            },
          },
        ],
      });
      await producer.disconnect();
      const [letter] = await readTopic(`dlq.${r.groupId}`, 1);
      expect(letter!.headers['x-error']).toMatch(
        /^InvalidEventError: UserRegistered does not match its contract/,
      );
      expect(letter!.headers['x-attempts']).toBe('1');
    } else {
      await start(
        r.options(async () => void calls++, { events: [UserRegistered], topics: ['identity.user'] }),
      );
      // The store validates on append, so the bad event is written past it, as a buggy producer might.
      await r.producer.dataSource.query(
        `with s as (insert into streams (id, type, version, last_transaction_id) values ('u-1', 'user', 1, pg_current_xact_id()) returning 1)
         insert into events (stream_id, stream_version, event_id, type, schema_version, data) select 'u-1', 1, $1, 'UserRegistered', 1, '{"userId": 7}' from s`,
        [badId],
      );
      await eventually(
        'a dead letter',
        async () => (await r.consumer.dataSource.query(`select 1 from dead_letters`)).length === 1,
      );
      const [letter] = await r.consumer.dataSource.query(`select error, attempts, topic from dead_letters`);
      expect(letter.error).toMatch(/^InvalidEventError: UserRegistered does not match its contract/);
      expect(letter).toMatchObject({ attempts: 1, topic: 'identity.user' });
    }
    expect(calls).toBe(0);
  });

  it('finishes the event in hand on stop and resumes after it', async () => {
    let started = 0;
    const handler = async (event: ConsumedEvent, context: HandlerContext) => {
      started++;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await recordEffect(event, context);
    };
    await appendNumbered(r, 0, 20, 1);
    const first = await start(r.options(handler));
    await eventually('a handler running', async () => started > 0);
    await first.stop();
    const done = (await effects(r)).length;
    expect(done).toBeGreaterThanOrEqual(1);
    expect(done).toBe(started);

    await start(r.options(handler));
    await eventually('all 20 effects', async () => (await effects(r)).length === 20, 30_000);
    expect((await effects(r)).every((e) => e.n === 1)).toBe(true);
  });
});

describe('consumer over kafka, on a topic that is still being created', () => {
  it('starts on a topic created a moment ago, before it has a leader (another process creating it, or the broker auto-creating it)', async () => {
    const db = await createTestDatabase('es_new');
    const topics = [uniqueName('es-new-a'), uniqueName('es-new-b'), uniqueName('es-new-c')];
    const admin = testKafka.admin();
    await admin.connect();
    const consumer = createConsumer({
      groupId: uniqueName('group'),
      topics,
      dataSource: db.dataSource,
      handler: async () => {},
      logger: testLogger,
      kafka: { brokers: KAFKA_BROKERS },
    });
    try {
      // created without waiting for leaders: the consumer sees the topics listed and subscribes at once
      await admin.createTopics({
        topics: topics.map((topic) => ({ topic, numPartitions: 3 })),
        waitForLeaders: false,
      });
      await expect(consumer.start()).resolves.toBeUndefined();
    } finally {
      await consumer.stop();
      await admin.disconnect();
      await db.drop();
    }
  });
});
