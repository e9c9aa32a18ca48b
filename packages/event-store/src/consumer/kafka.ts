import { deadLetterTopicFor } from '@seren/contracts';
import {
  Partitioners,
  type Consumer as KafkaJsConsumer,
  type EachBatchPayload,
  type Kafka,
  type KafkaMessage,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import { fromKafkaRecord } from '../cloudevents.js';
import { InvalidEventError } from '../errors.js';
import { defaultLogger, kafkaOf } from '../kafka.js';
import { contractLookup } from '../contracts.js';
import { toConsumedEvent } from './event.js';
import { EventProcessor, type Delivery } from './processing.js';
import type { ConsumedEvent, Consumer, ConsumerOptions, Handler } from './types.js';

/** How long a start waits for a topic being created elsewhere to get its leader. */
const SUBSCRIBE_PATIENCE_MS = 30_000;

interface Item {
  message: KafkaMessage;
  event: ConsumedEvent;
}

/**
 * A kafkajs consumer group. Messages go through the EventProcessor (transactions with their
 * processed-event rows); one that keeps failing goes to `dlq.<groupId>` with the error and the
 * consumer moves on. An offset is resolved only after the transaction that handled its message
 * committed, so a crash in between redelivers, and the processed-event row absorbs it.
 */
export class KafkaConsumer implements Consumer {
  readonly transport = 'kafka';
  private readonly kafka: Kafka;
  private readonly logger: Logger;
  private readonly processor: EventProcessor;
  private readonly contracts;
  private readonly wanted: ReadonlySet<string> | undefined;
  private readonly deadLetterTopic: string;
  private consumer: KafkaJsConsumer | undefined;
  private producer: Producer | undefined;

  constructor(private readonly options: ConsumerOptions & { kafka: NonNullable<ConsumerOptions['kafka']> }) {
    this.logger = (options.logger ?? defaultLogger).child({
      component: 'consumer',
      groupId: options.groupId,
      transport: 'kafka',
    });
    this.kafka = kafkaOf(options.kafka, options.groupId, this.logger);
    this.processor = new EventProcessor(
      options.groupId,
      options.dataSource,
      options.handler as Handler<ConsumedEvent>,
      this.logger,
      options.retry,
      options.maxEventsPerTransaction,
    );
    this.contracts = contractLookup(options.events);
    this.wanted = options.events ? new Set(options.events.map((c) => c.type)) : undefined;
    this.deadLetterTopic = deadLetterTopicFor(options.groupId);
  }

  async start(): Promise<void> {
    await this.ensureTopics();
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({
      maxWaitTimeInMs: 1_000,
      ...this.options.kafkaConsumer,
      groupId: this.options.groupId,
    });
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) =>
      this.logger.warn({ err: payload.error, restart: payload.restart }, 'consumer crashed'),
    );
    await this.consumer.connect();
    await this.subscribe();
    await this.consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  async stop(): Promise<void> {
    // disconnect() lets the transaction in hand finish, commits resolved offsets, and leaves the group.
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private async eachBatch({
    batch,
    resolveOffset,
    heartbeat,
    isRunning,
    isStale,
  }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const delivery: Delivery<Item> = {
      event: (item) => item.event,
      settled: (item) => resolveOffset(item.message.offset),
      deadLetter: async (item, error, attempts) => {
        await this.deadLetter(topic, partition, item.message, error, attempts);
        // Marked only once the dead letter is safely on the broker (a failure above redelivers).
        await this.processor.markProcessed(this.options.dataSource.manager, item.event.id);
      },
      stopping: () => !isRunning() || isStale(),
      between: () => heartbeat(),
    };
    // Runs of valid events go through the processor together; a message that is not a valid
    // event is dead-lettered at its place in the partition's order.
    let run: Item[] = [];
    const flush = async () => {
      await this.processor.run(run, delivery);
      run = [];
    };
    for (const message of batch.messages) {
      if (delivery.stopping()) break;
      let event: ConsumedEvent;
      try {
        event = toConsumedEvent(fromKafkaRecord(message), topic, this.contracts);
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        await flush();
        if (delivery.stopping()) break;
        this.logger.error(
          { err: error, topic, partition, offset: message.offset },
          'invalid event dead-lettered',
        );
        await this.deadLetter(topic, partition, message, error, 1);
        resolveOffset(message.offset);
        continue;
      }
      if (this.wanted && !this.wanted.has(event.type)) {
        // Nothing to do, but its offset may only move once the events before it are settled.
        await flush();
        if (!delivery.stopping()) resolveOffset(message.offset);
        continue;
      }
      run.push({ message, event });
    }
    await flush();
  }

  private async deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: Error,
    attempts: number,
  ) {
    const headers: Record<string, string | Buffer> = {};
    for (const [name, value] of Object.entries(message.headers ?? {})) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value[0]! : value;
    }
    Object.assign(headers, {
      'x-error': `${error.name}: ${error.message}`.slice(0, 4_000),
      'x-error-stack': (error.stack ?? '').slice(0, 8_000),
      'x-original-topic': topic,
      'x-original-partition': String(partition),
      'x-original-offset': message.offset,
      'x-consumer-group': this.options.groupId,
      'x-attempts': String(attempts),
      'x-failed-at': new Date().toISOString(),
    });
    await this.producer!.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: [{ key: message.key, value: message.value, headers }],
    });
  }

  /**
   * Subscribes from the beginning: a new group reads the events published before its first
   * deployment too. A topic another process is creating at this moment exists without a leader for
   * a while, and the broker answers that with a retriable error ("does not host this
   * topic-partition"): subscribing is tried again for up to SUBSCRIBE_PATIENCE_MS.
   */
  private async subscribe(): Promise<void> {
    const deadline = Date.now() + SUBSCRIBE_PATIENCE_MS;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.consumer!.subscribe({ topics: [...this.options.topics], fromBeginning: true });
        return;
      } catch (error) {
        if (!(error as { retriable?: boolean }).retriable || Date.now() > deadline) throw error;
        this.logger.debug({ err: error, attempt }, 'a subscribed topic has no leader yet; subscribing again');
        await new Promise((resolve) => setTimeout(resolve, Math.min(250 * attempt, 2_000)));
      }
    }
  }

  /**
   * Creates the dead-letter topic and any subscribed topic that does not exist yet. On a fresh
   * broker, subscribing to a topic it is still auto-creating fails ("does not host this
   * topic-partition") and would stop the service's start.
   */
  private async ensureTopics(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // Asking first keeps the broker's "topic exists" error out of the logs on every restart.
      const existing = new Set(await admin.listTopics());
      const missing = [this.deadLetterTopic, ...this.options.topics].filter((topic) => !existing.has(topic));
      if (missing.length > 0) {
        // Another instance may create them at the same moment: that is fine either way.
        await admin
          .createTopics({ topics: [...new Set(missing)].map((topic) => ({ topic })), waitForLeaders: true })
          .catch((error: unknown) => this.logger.debug({ err: error }, 'topics created concurrently'));
      }
    } finally {
      await admin.disconnect();
    }
  }
}
