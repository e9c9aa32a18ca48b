// Pipeline: commit → relay → Kafka → consumer handler, on the infra PostgreSQL and Kafka.
// - Latency from the moment append() resolved (committed) to the moment the handler was called,
//   at a steady 500 and 2,000 events/s (single-event appends over 1,000 streams, open loop), and at
//   2,000 events/s in appends of 10 (a tenth of the commits).
// - Maximum sustained rate: a backlog drained by the relay (events/s acknowledged by the broker)
//   and by the consumer (events/s handled, one transaction each), and the same number of messages
//   of the same size and headers sent by a bare kafkajs producer with the relay's settings
//   (idempotent, acks=all, batches of 500): the relay/raw ratio is the relay's overhead.
import { randomUUID } from 'node:crypto';
import {
  createConsumer,
  EventStore,
  Relay,
  toKafkaRecord,
  type ConsumedEvent,
  type Consumer,
} from '@seren/event-store';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import pino from 'pino';
import {
  createTestDatabase,
  type TestDatabase,
} from '../../packages/event-store/src/test-support/database.js';
import {
  KAFKA_BROKERS,
  createTopics,
  uniqueName,
} from '../../packages/event-store/src/test-support/kafka.js';
import { fmt, sleep, summary, table } from './stats.js';

const logger = pino({ level: 'error' });
const payload = {
  contactId: 'c-0000000001',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  tags: ['vip', 'newsletter'],
};

interface Rig {
  producer: TestDatabase;
  consumerDb: TestDatabase;
  store: EventStore;
  topic: string;
  relay: Relay;
  consumer: Consumer;
  handled: Map<string, number>;
  close(): Promise<void>;
}

async function rig(options: { startRelay: boolean; startConsumer: boolean }): Promise<Rig> {
  const [producer, consumerDb] = await Promise.all([
    createTestDatabase('es_bench_src', 40),
    createTestDatabase('es_bench_dst', 10),
  ]);
  await consumerDb.dataSource.query(
    `create table contacts (id text primary key, name text not null, updates int not null)`,
  );
  const topic = uniqueName('bench-contact');
  await createTopics([topic], 3);
  const store = new EventStore({ dataSource: producer.dataSource });
  const relay = new Relay({
    dataSource: producer.dataSource,
    source: 'bench',
    kafka: { brokers: KAFKA_BROKERS },
    topicFor: () => topic,
    logger,
  });
  const handled = new Map<string, number>();
  const consumer = createConsumer({
    groupId: uniqueName('bench-group'),
    topics: [topic],
    dataSource: consumerDb.dataSource,
    kafka: { brokers: KAFKA_BROKERS },
    partitionsConsumedConcurrently: 3,
    logger,
    // A typical read-model update: one upsert per event.
    handler: async (event: ConsumedEvent, { manager }) => {
      handled.set(event.id, performance.now());
      await manager.query(
        `insert into contacts (id, name, updates) values ($1, $2, 1) on conflict (id) do update set name = excluded.name, updates = contacts.updates + 1`,
        [event.subject, (event.data as typeof payload).name],
      );
    },
  });
  if (options.startRelay) relay.start();
  if (options.startConsumer) await consumer.start();
  return {
    producer,
    consumerDb,
    store,
    topic,
    relay,
    consumer,
    handled,
    async close() {
      await consumer.stop();
      await relay.stop();
      await Promise.all([producer.drop(), consumerDb.drop()]);
    },
  };
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

/** Open-loop load: `rate` events per second in appends of `batch` events, for `seconds`, in 10 ms ticks. */
async function latencyAt(rate: number, seconds: number, batch: number) {
  const r = await rig({ startRelay: true, startConsumer: true });
  try {
    // Warm-up: the consumer joined its group and every partition has delivered once.
    const warm = await r.store.append('warm', 'contact', [{ type: 'ContactUpdated', data: payload }]);
    await waitFor(() => r.handled.has(warm.events[0]!.id), 60_000);

    const committed = new Map<string, number>();
    const pending: Promise<void>[] = [];
    const tickMs = 10;
    const perTick = (rate * tickMs) / 1_000 / batch;
    const started = performance.now();
    let sent = 0;
    let n = 0;
    while (performance.now() - started < seconds * 1_000) {
      const due = Math.floor(((performance.now() - started) / tickMs + 1) * perTick);
      while (sent < due) {
        sent++;
        const stream = `contact-${n++ % 1_000}`;
        const events = Array.from({ length: batch }, () => ({ type: 'ContactUpdated', data: payload }));
        pending.push(
          r.store.append(stream, 'contact', events).then((result) => {
            const at = performance.now();
            for (const event of result.events) committed.set(event.id, at);
          }),
        );
      }
      await sleep(tickMs);
    }
    await Promise.all(pending);
    const elapsed = (performance.now() - started) / 1_000;
    await waitFor(() => [...committed.keys()].every((id) => r.handled.has(id)), 120_000);
    const latencies = [...committed]
      .map(([id, at]) => (r.handled.get(id) ?? NaN) - at)
      .filter(Number.isFinite);
    return {
      offered: rate,
      achieved: committed.size / elapsed,
      delivered: latencies.length,
      total: committed.size,
      ...summary(latencies),
    };
  } finally {
    await r.close();
  }
}

/**
 * A backlog of `count` events, drained `reps` times by a relay (each with its own checkpoint name,
 * to its own topic), alternating with a bare producer sending the same messages; then drained once
 * by the consumer. Both producer timings include connecting (and the idempotent producer's id).
 */
async function drain(count: number, reps: number) {
  const r = await rig({ startRelay: false, startConsumer: false });
  try {
    for (let i = 0; i < count; i += 1_000) {
      // 100 appends of 10 events at a time: fills the outbox quickly.
      await Promise.all(
        Array.from({ length: 100 }, (_, k) =>
          r.store.append(
            `contact-${(i / 10 + k) % 1_000}`,
            'contact',
            Array.from({ length: 10 }, () => ({ type: 'ContactUpdated', data: payload })),
          ),
        ),
      );
    }
    // The relay's last event is the last in commit order, not the highest position.
    const [{ last }] = await r.producer.dataSource.query(
      `select position::int as last from events order by transaction_id desc, position desc limit 1`,
    );
    console.error(`[bench] backlog of ${count} events written`);

    const relay: number[] = [];
    const raw: number[] = [];
    for (let rep = 0; rep < reps; rep++) {
      const topic = rep === 0 ? r.topic : uniqueName('bench-relay');
      if (rep > 0) await createTopics([topic], 3);
      const started = performance.now();
      const instance = new Relay({
        dataSource: r.producer.dataSource,
        source: 'bench',
        kafka: { brokers: KAFKA_BROKERS },
        topicFor: () => topic,
        name: `bench-${rep}`,
        logger,
      });
      instance.start();
      await waitFor(() => instance.checkpoint.position === last, 600_000);
      relay.push(count / ((performance.now() - started) / 1_000));
      await instance.stop();
      raw.push(await rawProducer(count));
      console.error(
        `[bench] drain ${rep + 1}/${reps}: relay ${fmt(relay.at(-1)!)}/s, raw ${fmt(raw.at(-1)!)}/s`,
      );
    }

    const consumerStarted = performance.now();
    await r.consumer.start();
    await waitFor(() => r.handled.size >= count, 600_000);
    const consumer = count / ((performance.now() - consumerStarted) / 1_000);
    return { relay, raw, consumer };
  } finally {
    await r.close();
  }
}

/** The same messages sent by a bare kafkajs producer with the relay's settings, in batches of 500. */
async function rawProducer(count: number) {
  const topic = uniqueName('bench-raw');
  await createTopics([topic], 3);
  const data = JSON.stringify(payload);
  const message = (i: number) =>
    toKafkaRecord(
      {
        position: i,
        transactionId: String(i),
        streamId: `contact-${i % 1_000}`,
        streamVersion: 1,
        id: randomUUID(),
        type: 'ContactUpdated',
        schemaVersion: 1,
        data,
        metadata: {},
        recordedAt: new Date(),
      },
      'bench',
    );
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: KAFKA_BROKERS, logLevel: logLevel.ERROR });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const started = performance.now();
  await producer.connect();
  try {
    for (let i = 0; i < count; i += 500) {
      const messages = Array.from({ length: Math.min(500, count - i) }, (_, k) => message(i + k));
      await producer.sendBatch({ topicMessages: [{ topic, messages }], acks: -1 });
    }
    return count / ((performance.now() - started) / 1_000);
  } finally {
    await producer.disconnect();
  }
}

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function latencyBenchmark(seconds: number): Promise<void> {
  const rows: string[][] = [];
  for (const [rate, batch] of [
    [500, 1],
    [2_000, 1],
    [2_000, 10],
  ] as const) {
    const result = await latencyAt(rate, seconds, batch);
    console.error(
      `[bench] pipeline at ${rate}/s in appends of ${batch}: p50 ${fmt(result.p50, 1)} ms, p99 ${fmt(result.p99, 1)} ms`,
    );
    rows.push([
      fmt(result.offered),
      String(batch),
      fmt(result.achieved),
      `${fmt(result.delivered)}/${fmt(result.total)}`,
      fmt(result.p50, 1),
      fmt(result.p99, 1),
      fmt(result.max, 1),
    ]);
  }
  console.log(`### Pipeline latency, commit → consumer handler (${seconds} s per rate)\n`);
  table(
    [
      'offered events/s',
      'events per append',
      'committed events/s',
      'delivered',
      'p50 ms',
      'p99 ms',
      'max ms',
    ],
    rows,
  );
}

export async function drainBenchmark(backlog: number, reps = 3): Promise<void> {
  const { relay, raw, consumer } = await drain(backlog, reps);
  const ratios = relay.map((r, i) => r / raw[i]!);
  const range = (xs: number[], digits = 0) =>
    `${fmt(Math.min(...xs), digits)}–${fmt(Math.max(...xs), digits)}`;
  console.log(
    `### Maximum sustained rate (backlog of ${fmt(backlog)} events; producers: median of ${reps} alternating runs)\n`,
  );
  table(
    ['stage', 'events/s', 'range'],
    [
      ['relay: outbox → Kafka, acknowledged and checkpointed', fmt(median(relay)), range(relay)],
      ['bare kafkajs producer, same settings and messages', fmt(median(raw)), range(raw)],
      ['relay / raw', fmt(median(relay) / median(raw), 2), range(ratios, 2)],
      ['consumer: Kafka → handler (3 partitions, up to 100 events per transaction)', fmt(consumer), ''],
      ['pipeline (the slower stage)', fmt(Math.min(median(relay), consumer)), ''],
    ],
  );
}
