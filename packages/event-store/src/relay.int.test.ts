import { Kafka as CloudEventsKafka, type CloudEvent, type KafkaMessage } from 'cloudevents';
import { ConcurrencyError } from './errors.js';
import type { OutboxEvent } from './outbox.js';
import { Relay, type RelayOptions } from './relay.js';
import { EventStore } from './store.js';
import { createTestDatabase, type TestDatabase } from './test-support/database.js';
import { KAFKA_BROKERS, createTopics, eventually, readTopic, uniqueName } from './test-support/kafka.js';
import { testLogger } from './test-support/quiet.js';

let db: TestDatabase;
let store: EventStore;
const relays: Relay[] = [];

beforeEach(async () => {
  db = await createTestDatabase('es_relay', 20);
  store = new EventStore({ dataSource: db.dataSource });
});

afterEach(async () => {
  await Promise.all(relays.splice(0).map((r) => r.stop()));
  await db.drop();
});

async function startRelay(topic: string, options: Partial<RelayOptions> = {}) {
  const published: OutboxEvent[] = [];
  const relay = new Relay({
    dataSource: db.dataSource,
    source: 'test-service',
    kafka: { brokers: KAFKA_BROKERS },
    topicFor: () => topic,
    logger: testLogger,
    lockRetryMs: 200,
    ...options,
    afterSend: async (events) => {
      published.push(...events);
      await options.afterSend?.(events);
    },
  });
  relays.push(relay);
  relay.start();
  return { relay, published };
}

/** What a caller does with a ConcurrencyError in its own transaction: run the transaction again. */
async function retryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || attempt >= 50) throw error;
    }
  }
}

const checkpointRow = async () =>
  (
    (await db.dataSource.query(`select transaction_id::text as tx, position from relay_checkpoints`)) as {
      tx: string;
      position: string;
    }[]
  )[0];

describe('Relay (outbox to Kafka)', () => {
  it('publishes committed events as CloudEvents in binary mode, keyed by stream id, then stores its checkpoint', async () => {
    const topic = uniqueName('es-relay');
    await createTopics([topic]);
    const appended = await store.append(
      'order-1',
      'order',
      [
        { type: 'OrderPlaced', data: { total: 12.5 } },
        { type: 'OrderPaid', data: { ok: true } },
      ],
      {
        metadata: {
          correlationId: 'corr-9',
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        },
      },
    );
    await startRelay(topic);

    const messages = await readTopic(topic, 2);
    expect(messages.map((m) => m.headers.ce_type)).toEqual(['OrderPlaced', 'OrderPaid']);
    const [first] = messages;
    expect(first!.key).toBe('order-1');
    expect(JSON.parse(first!.value!)).toEqual({ total: 12.5 });
    expect(first!.headers).toMatchObject({
      ce_specversion: '1.0',
      ce_id: appended.events[0]!.id,
      ce_source: 'test-service',
      ce_subject: 'order-1',
      ce_time: appended.events[0]!.recordedAt.toISOString(),
      'content-type': 'application/json',
      ce_schemaversion: '1',
      ce_correlationid: 'corr-9',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    const message: KafkaMessage = {
      key: first!.key!,
      value: Buffer.from(first!.value!),
      headers: first!.headers,
      body: undefined,
    };
    const ce = CloudEventsKafka.toEvent(message);
    expect(((Array.isArray(ce) ? ce[0] : ce) as CloudEvent<unknown>).validate()).toBe(true);

    await eventually(
      'checkpoint at the last event',
      async () => Number((await checkpointRow())?.position) === appended.events[1]!.position,
    );
  });

  it('routes contract events to <domain>.<aggregate> topics', async () => {
    const userId = uniqueName('u');
    const appended = await store.append(userId, 'user', [
      {
        type: 'UserRegistered',
        data: {
          userId,
          kind: 'agent',
          email: null,
          name: 'Bot',
          personalOrganizationId: 'o-1',
          registeredAt: '2026-11-22T00:00:00Z',
        },
      },
    ]);
    await createTopics(['identity.user']);
    await startRelay('unused');
    const messages = await readTopic('identity.user', (m) =>
      m.some((x) => x.headers.ce_id === appended.events[0]!.id),
    );
    expect(messages.find((x) => x.headers.ce_id === appended.events[0]!.id)).toMatchObject({
      topic: 'identity.user',
      key: userId,
    });
  });

  it('waits for an early transaction that commits last, then relays it: nothing skipped, transaction order kept', async () => {
    const topic = uniqueName('es-order');
    await createTopics([topic]);
    const { published } = await startRelay(topic, { pollIntervalMs: 100 });

    // The early transaction takes the lowest position and transaction id, and stays open.
    const early = db.dataSource.createQueryRunner();
    await early.startTransaction();
    const earlyEvent = await store.append('early', 'thing', [{ type: 'Made', data: { early: true } }], {
      manager: early.manager,
    });

    const later = [];
    for (let i = 0; i < 20; i++)
      later.push(...(await store.append(`later-${i % 4}`, 'thing', [{ type: 'Made', data: { i } }])).events);
    expect(later[0]!.position).toBeGreaterThan(earlyEvent.events[0]!.position);

    // Reading by position would have relayed the later events and moved past the early one.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(published).toHaveLength(0);

    await early.commitTransaction();
    await early.release();
    await eventually('all 21 events relayed', async () => published.length >= 21);
    expect(published.map((e) => e.id)).toEqual([earlyEvent.events[0]!.id, ...later.map((e) => e.id)]);
    const messages = await readTopic(topic, 21);
    expect(new Set(messages.map((m) => m.headers.ce_id)).size).toBe(21);
  });

  it('relays every event of many concurrent writers exactly once, in (transaction id, position) order', async () => {
    const topic = uniqueName('es-stress');
    await createTopics([topic]);
    const { published } = await startRelay(topic, { batchSize: 7, pollIntervalMs: 50 });

    const writers = Array.from({ length: 8 }, async (_, w) => {
      const ids: string[] = [];
      for (let t = 0; t < 15; t++) {
        const appended = await retryOnConflict(() =>
          db.dataSource.transaction(async (manager) => {
            const result = await store.append(
              `stream-${(w + t) % 5}`,
              'thing',
              [
                { type: 'Made', data: { w, t } },
                { type: 'Made', data: { w, t } },
              ],
              {
                manager,
              },
            );
            // Hold some transactions open so that commit order differs from position order.
            await new Promise((r) => setTimeout(r, Math.random() * 40));
            return result;
          }),
        );
        ids.push(...appended.events.map((e) => e.id));
      }
      return ids;
    });
    const written = (await Promise.all(writers)).flat();
    await eventually(
      `${written.length} events relayed`,
      async () => published.length >= written.length,
      60_000,
    );

    expect(published).toHaveLength(written.length);
    expect(new Set(published.map((e) => e.id))).toEqual(new Set(written));
    const sorted = [...published].sort(
      (a, b) => Number(BigInt(a.transactionId) - BigInt(b.transactionId)) || a.position - b.position,
    );
    expect(published.map((e) => e.id)).toEqual(sorted.map((e) => e.id));
    // Per stream, Kafka sees versions in order.
    const lastVersion = new Map<string, number>();
    for (const e of published) {
      expect(e.streamVersion).toBe((lastVersion.get(e.streamId) ?? 0) + 1);
      lastVersion.set(e.streamId, e.streamVersion);
    }
  });

  it('stores the checkpoint only after the broker acknowledged: a failure after the send resends the batch', async () => {
    const topic = uniqueName('es-ack');
    await createTopics([topic]);
    await store.append('s', 'thing', [
      { type: 'Made', data: {} },
      { type: 'Made', data: {} },
    ]);
    let failures = 1;
    const { published } = await startRelay(topic, {
      retryDelayMs: 100,
      afterSend: () => {
        if (failures-- > 0) throw new Error('crash between the acknowledgement and the checkpoint');
      },
    });
    await eventually('the batch sent twice', async () => published.length >= 4);
    expect((await readTopic(topic, 4)).map((m) => m.headers.ce_type)).toHaveLength(4);
    await eventually(
      'checkpoint stored',
      async () => Number((await checkpointRow())?.position) === published.at(-1)!.position,
    );
  });

  it('stops at an event it cannot route instead of skipping it', async () => {
    const topic = uniqueName('es-unroutable');
    await createTopics([topic]);
    await store.append('s', 'thing', [{ type: 'Made', data: {} }]);
    const { published } = await startRelay(topic, {
      topicFor: (e) => (e.type === 'Made' ? topic : undefined),
      retryDelayMs: 100,
    });
    await eventually('the routable event', async () => published.length === 1);
    await store.append('s', 'thing', [{ type: 'Mystery', data: {} }]);
    await store.append('s', 'thing', [{ type: 'Made', data: {} }]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(published).toHaveLength(1);
    expect(Number((await checkpointRow())?.position)).toBe(published[0]!.position);
  });

  it('keeps one relay active per database; a standby takes over when it stops', async () => {
    const topic = uniqueName('es-standby');
    await createTopics([topic]);
    const a = await startRelay(topic);
    await eventually('first relay active', async () => a.relay.active);
    const b = await startRelay(topic);
    await store.append('s', 'thing', [{ type: 'Made', data: { n: 1 } }]);
    await eventually('first relay published', async () => a.published.length === 1);
    expect(b.relay.active).toBe(false);

    await a.relay.stop();
    await eventually('standby active', async () => b.relay.active, 10_000);
    await store.append('s', 'thing', [{ type: 'Made', data: { n: 2 } }]);
    await eventually('standby published', async () => b.published.length === 1);
    expect(b.published[0]!.streamVersion).toBe(2);
    const messages = await readTopic(topic, 2);
    expect(messages.map((m) => JSON.parse(m.value!).n)).toEqual([1, 2]);
  });
});
