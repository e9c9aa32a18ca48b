import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Client } from 'pg';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { toKafkaRecord } from './cloudevents.js';
import { UnroutableEventError } from './errors.js';
import { clientConfigOf, closeQuietly, connectDedicated, tryAdvisoryLock } from './connection.js';
import { clientRetry, defaultLogger, kafkaOf, sleep, type KafkaConnection } from './kafka.js';
import { ORIGIN, checkpointOf, readCommitted, type Checkpoint, type OutboxEvent } from './outbox.js';
import { topicOf, type TopicFallback } from './routing.js';
import { EVENTS_CHANNEL } from './commit-notifier.js';
import { Wakeup } from './wakeup.js';

const SAVE_CHECKPOINT_SQL = `
  insert into relay_checkpoints (name, transaction_id, position) values ($1, $2::xid8, $3)
  on conflict (name) do update set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`;

export interface RelayOptions {
  /** The service's own database (its events table is the outbox). */
  dataSource: DataSource;
  /** The service name: `ce_source` of every message. */
  source: string;
  kafka: KafkaConnection | Kafka;
  /** Topic for event types that are not in @seren/contracts. */
  topicFor?: TopicFallback;
  /** Names the checkpoint row and the advisory lock (default `relay`): one active relay per name and database. */
  name?: string;
  /** Events per `sendBatch` (default 500). */
  batchSize?: number;
  /** Poll when no NOTIFY arrives, e.g. after an unrelated long transaction ends (default 1000 ms). */
  pollIntervalMs?: number;
  /** How often a standby instance tries to take the lock (default 1000 ms). */
  lockRetryMs?: number;
  /** Pause after a failure before reconnecting or resending (default 500 ms). */
  retryDelayMs?: number;
  logger?: Logger;
  /** Called after the broker acknowledged a batch and before its checkpoint is stored (observation, fault tests). */
  afterSend?: (events: readonly OutboxEvent[]) => void | Promise<void>;
}

/**
 * Publishes the events table to Kafka, at least once, in commit order (see outbox.ts), with the
 * checkpoint stored only after the broker acknowledged. One instance per database is active: it
 * holds a session advisory lock on a dedicated connection, which also carries LISTEN, the reads and
 * the checkpoint writes, so an instance that lost its lock can no longer move the checkpoint.
 * Others wait and take over when the active one dies.
 */
export class Relay {
  private readonly options: Required<Omit<RelayOptions, 'topicFor' | 'afterSend' | 'kafka'>> &
    Pick<RelayOptions, 'topicFor' | 'afterSend'>;
  private readonly kafka: Kafka;
  private readonly wakeup = new Wakeup();
  private running: Promise<void> | undefined;
  private stopping = false;
  private producer: Producer | undefined;
  private _active = false;
  private _checkpoint: Checkpoint = ORIGIN;

  constructor(options: RelayOptions) {
    const logger = (options.logger ?? defaultLogger).child({ component: 'relay', source: options.source });
    this.options = {
      name: 'relay',
      batchSize: 500,
      pollIntervalMs: 1_000,
      lockRetryMs: 1_000,
      retryDelayMs: 500,
      ...options,
      logger,
    };
    this.kafka = kafkaOf(options.kafka, `${options.source}-relay`, logger);
  }

  /** True while this instance holds the lock and publishes. */
  get active(): boolean {
    return this._active;
  }

  /** The last acknowledged and stored checkpoint (while active). */
  get checkpoint(): Checkpoint {
    return this._checkpoint;
  }

  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.run();
  }

  /** Stops after the batch in flight; an unacknowledged batch is resent by the next active relay. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wakeup.notify();
    await this.running;
    this.running = undefined;
  }

  private async run(): Promise<void> {
    const { logger, retryDelayMs } = this.options;
    while (!this.stopping) {
      let client: Client | undefined;
      try {
        client = await connectDedicated(
          clientConfigOf(this.options.dataSource),
          `seren-relay:${this.options.source}`,
          logger,
          () => this.wakeup.notify(),
        );
        if (await this.acquireLock(client)) await this.pump(client);
      } catch (error) {
        if (error instanceof UnroutableEventError)
          logger.error({ err: error }, 'relay blocked by an event it cannot route; retrying');
        else logger.warn({ err: error }, 'relay interrupted; reconnecting');
        await sleep(retryDelayMs);
      } finally {
        this._active = false;
        await this.closeProducer();
        await closeQuietly(client);
      }
    }
  }

  private async acquireLock(client: Client): Promise<boolean> {
    const lockName = `seren.relay:${this.options.name}`;
    let waiting = false;
    while (!this.stopping) {
      if (await tryAdvisoryLock(client, lockName)) {
        this.options.logger.info({ name: this.options.name }, 'relay active');
        return true;
      }
      if (!waiting)
        this.options.logger.info({ name: this.options.name }, 'another relay is active; standing by');
      waiting = true;
      await this.wakeup.wait(this.options.lockRetryMs);
    }
    return false;
  }

  private async pump(client: Client): Promise<void> {
    const { batchSize, pollIntervalMs } = this.options;
    client.on('notification', () => this.wakeup.notify());
    await client.query(`listen ${EVENTS_CHANNEL}`);
    this._checkpoint = await this.loadCheckpoint(client);
    this._active = true;
    const read = (after: Checkpoint) => {
      const reading = readCommitted(client, after, batchSize);
      reading.catch(() => undefined); // awaited below; a prefetch left behind on stop must not go unhandled
      return reading;
    };
    let next = read(this._checkpoint);
    while (!this.stopping) {
      const events = await next;
      if (events.length === 0) {
        await this.wakeup.wait(pollIntervalMs);
        next = read(this._checkpoint);
        continue;
      }
      const checkpoint = checkpointOf(events.at(-1)!);
      // Read the next batch while this one is on its way to the broker: reading from a batch's
      // end is as safe as from a stored checkpoint, and it halves the time per batch.
      next = read(checkpoint);
      if (!(await this.publish(events))) return;
      await this.options.afterSend?.(events);
      await client.query({
        name: 'seren_relay_checkpoint',
        text: SAVE_CHECKPOINT_SQL,
        values: [this.options.name, checkpoint.transactionId, checkpoint.position],
      });
      this._checkpoint = checkpoint;
    }
  }

  /** Sends until the broker acknowledges (true) or the relay is stopping (false). */
  private async publish(events: readonly OutboxEvent[]): Promise<boolean> {
    const byTopic = new Map<string, ReturnType<typeof toKafkaRecord>[]>();
    for (const event of events) {
      // An unroutable type stops the relay here (it retries and logs each time) rather than skipping it.
      const topic = topicOf(event, this.options.topicFor);
      const list = byTopic.get(topic) ?? [];
      list.push(toKafkaRecord(event, this.options.source));
      byTopic.set(topic, list);
    }
    const topicMessages = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    while (!this.stopping) {
      try {
        this.producer ??= await this.connectProducer();
        await this.producer.sendBatch({ topicMessages, acks: -1 });
        return true;
      } catch (error) {
        this.options.logger.warn({ err: error, events: events.length }, 'publish failed; resending');
        await this.closeProducer();
        await sleep(this.options.retryDelayMs);
      }
    }
    return false;
  }

  private async connectProducer(): Promise<Producer> {
    // Idempotent: the broker drops the producer's own retried duplicates. A new producer after a
    // failure may still resend a batch that had landed; consumers absorb that by event id.
    const producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      retry: clientRetry,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    try {
      await producer.connect();
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw error;
    }
    return producer;
  }

  private async closeProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => undefined);
  }

  private async loadCheckpoint(client: Client): Promise<Checkpoint> {
    const { rows } = await client.query(
      `select transaction_id::text as transaction_id, position from relay_checkpoints where name = $1`,
      [this.options.name],
    );
    return rows.length === 0
      ? ORIGIN
      : { transactionId: rows[0].transaction_id, position: Number(rows[0].position) };
  }
}
