import type { Client, ClientConfig } from 'pg';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import type { ReceivedEvent } from '../cloudevents.js';
import { clientConfigOf, closeQuietly, connectDedicated, tryAdvisoryLock } from '../connection.js';
import { InvalidEventError, UnroutableEventError } from '../errors.js';
import { defaultLogger, sleep } from '../kafka.js';
import { ORIGIN, checkpointOf, readCommitted, type Checkpoint, type OutboxEvent } from '../outbox.js';
import { topicOf } from '../routing.js';
import { EVENTS_CHANNEL } from '../commit-notifier.js';
import { Wakeup } from '../wakeup.js';
import { contractLookup } from '../contracts.js';
import { toConsumedEvent } from './event.js';
import { EventProcessor, type Delivery } from './processing.js';
import type { ConsumedEvent, Consumer, ConsumerOptions, FeedSource, Handler } from './types.js';

let warned = false;

/**
 * The consumer API without Kafka: each source service's events table is read directly, with the
 * relay's commit-order rule, a checkpoint per (group, source) in the consumer's database, and the
 * same processed-event table. An advisory lock per (group, source) in the consumer's database makes
 * one process the reader, as a Kafka partition has one consumer in a group.
 *
 * One machine only: every consumer holds connections to every source database, and nothing here
 * spreads a group's work across processes. With KAFKA_BROKERS set the same code uses Kafka.
 */
export class PostgresFeedConsumer implements Consumer {
  readonly transport = 'postgres';
  private readonly logger: Logger;
  private readonly processor: EventProcessor;
  private readonly contracts;
  private readonly wanted: ReadonlySet<string> | undefined;
  private readonly topics: ReadonlySet<string>;
  private readonly feeds: SourceFeed[] = [];
  private running: Promise<void>[] = [];

  constructor(private readonly options: ConsumerOptions & { sources: readonly FeedSource[] }) {
    this.logger = (options.logger ?? defaultLogger).child({
      component: 'consumer',
      groupId: options.groupId,
      transport: 'postgres',
    });
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
    this.topics = new Set(options.topics);
  }

  async start(): Promise<void> {
    if (!warned) {
      warned = true;
      this.logger.warn(
        "KAFKA_BROKERS is not set: consumers read the producing services' events tables in PostgreSQL directly. " +
          'This mode is for ONE MACHINE ONLY (development, demos); set KAFKA_BROKERS for anything shared or scaled.',
      );
    }
    const consumerConfig = clientConfigOf(this.options.dataSource);
    for (const source of this.options.sources) {
      const feed = new SourceFeed(this, source, consumerConfig);
      this.feeds.push(feed);
      this.running.push(feed.run());
    }
  }

  async stop(): Promise<void> {
    for (const feed of this.feeds) feed.stop();
    await Promise.all(this.running);
    this.running = [];
    this.feeds.length = 0;
  }

  /** @internal */
  get settings() {
    return {
      options: this.options,
      logger: this.logger,
      batchSize: this.options.batchSize ?? 200,
      pollIntervalMs: this.options.pollIntervalMs ?? 1_000,
      lockRetryMs: this.options.lockRetryMs ?? 1_000,
    };
  }

  /**
   * @internal Delivers a batch of one source's events in order. The checkpoint moves in the same
   * transaction as the effects; events for other topics only move it. Returns the checkpoint that
   * is stored once this returns (the last event settled).
   */
  async deliver(
    source: string,
    events: readonly OutboxEvent[],
    stopping: () => boolean,
  ): Promise<Checkpoint | undefined> {
    const { options } = this;
    let settled: Checkpoint | undefined;
    let stored = true;
    const delivery: Delivery<Item> = {
      event: (item) => item.consumed,
      also: (manager, item) => saveFeedCheckpoint(manager, options.groupId, source, checkpointOf(item.row)),
      settled: (item) => {
        settled = checkpointOf(item.row);
        stored = true;
      },
      deadLetter: (item, error, attempts) =>
        this.deadLetter(source, item.row, item.consumed.topic, error, attempts),
      stopping,
    };
    let run: Item[] = [];
    const flush = async () => {
      await this.processor.run(run, delivery);
      run = [];
    };
    for (const row of events) {
      if (stopping()) break;
      const topic = this.topicOf(row);
      if (topic === undefined || !this.topics.has(topic) || (this.wanted && !this.wanted.has(row.type))) {
        await flush();
        if (stopping()) break;
        settled = checkpointOf(row);
        stored = false;
        continue;
      }
      try {
        run.push({ row, consumed: toConsumedEvent(received(source, row), topic, this.contracts) });
      } catch (error) {
        if (!(error instanceof InvalidEventError)) throw error;
        await flush();
        if (stopping()) break;
        this.logger.error(
          { err: error, source, eventId: row.id, type: row.type },
          'invalid event dead-lettered',
        );
        await this.deadLetter(source, row, topic, error, 1);
        settled = checkpointOf(row);
        stored = true;
      }
    }
    await flush();
    // Skipped events moved no checkpoint in a handler transaction.
    if (settled && !stored)
      await saveFeedCheckpoint(options.dataSource.manager, options.groupId, source, settled);
    return settled;
  }

  private topicOf(row: OutboxEvent): string | undefined {
    try {
      return topicOf(row, this.options.topicFor);
    } catch (error) {
      // No topic can carry it, so no subscription can want it.
      if (error instanceof UnroutableEventError) return undefined;
      throw error;
    }
  }

  /** Dead letter, processed-event row and checkpoint in one transaction. */
  private async deadLetter(
    source: string,
    row: OutboxEvent,
    topic: string,
    error: Error,
    attempts: number,
  ): Promise<void> {
    await this.options.dataSource.transaction(async (manager) => {
      await manager.query(
        `insert into dead_letters (group_id, event_id, topic, event, error, attempts) values ($1, $2, $3, $4, $5, $6)`,
        [
          this.options.groupId,
          row.id,
          topic,
          JSON.stringify({ ...row, source, data: JSON.parse(row.data) }),
          `${error.name}: ${error.message}`,
          attempts,
        ],
      );
      await this.processor.markProcessed(manager, row.id);
      await saveFeedCheckpoint(manager, this.options.groupId, source, checkpointOf(row));
    });
  }
}

interface Item {
  row: OutboxEvent;
  consumed: ConsumedEvent;
}

function received(source: string, row: OutboxEvent): ReceivedEvent {
  let data: unknown;
  try {
    data = JSON.parse(row.data);
  } catch (error) {
    throw new InvalidEventError(`data is not JSON: ${(error as Error).message}`);
  }
  return {
    id: row.id,
    type: row.type,
    source,
    subject: row.streamId,
    time: row.recordedAt,
    schemaVersion: row.schemaVersion,
    metadata: row.metadata,
    data,
  };
}

async function saveFeedCheckpoint(
  manager: EntityManager,
  groupId: string,
  source: string,
  checkpoint: Checkpoint,
) {
  await manager.query(
    `insert into feed_checkpoints (group_id, source, transaction_id, position) values ($1, $2, $3::xid8, $4)
     on conflict (group_id, source) do update
       set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`,
    [groupId, source, checkpoint.transactionId, checkpoint.position],
  );
}

/** One (group, source) reader: lock, LISTEN, read in commit order, deliver, repeat. */
class SourceFeed {
  private readonly wakeup = new Wakeup();
  private stopping = false;
  private lost = false;

  constructor(
    private readonly consumer: PostgresFeedConsumer,
    private readonly source: FeedSource,
    private readonly consumerConfig: ClientConfig,
  ) {}

  stop(): void {
    this.stopping = true;
    this.wakeup.notify();
  }

  async run(): Promise<void> {
    const { logger } = this.consumer.settings;
    while (!this.stopping) {
      let lockClient: Client | undefined;
      let sourceClient: Client | undefined;
      this.lost = false;
      const onLost = () => {
        this.lost = true;
        this.wakeup.notify();
      };
      try {
        const appName = `seren-feed:${this.consumer.settings.options.groupId}:${this.source.name}`;
        lockClient = await connectDedicated(this.consumerConfig, appName, logger, onLost);
        if (!(await this.acquireLock(lockClient))) continue;
        sourceClient = await connectDedicated(this.sourceConfig(), appName, logger, onLost);
        await this.pump(sourceClient);
      } catch (error) {
        logger.warn({ err: error, source: this.source.name }, 'feed interrupted; reconnecting');
        await sleep(500);
      } finally {
        await closeQuietly(sourceClient);
        await closeQuietly(lockClient);
      }
    }
  }

  private sourceConfig(): ClientConfig {
    if (this.source.url) return { connectionString: this.source.url };
    if (this.source.dataSource) return clientConfigOf(this.source.dataSource);
    throw new Error(`feed source "${this.source.name}" needs url or dataSource`);
  }

  private async acquireLock(client: Client): Promise<boolean> {
    const { options, lockRetryMs } = this.consumer.settings;
    while (!this.stopping && !this.lost) {
      if (await tryAdvisoryLock(client, `seren.feed:${options.groupId}:${this.source.name}`)) return true;
      await this.wakeup.wait(lockRetryMs);
    }
    return false;
  }

  private async pump(client: Client): Promise<void> {
    const { batchSize, pollIntervalMs } = this.consumer.settings;
    client.on('notification', () => this.wakeup.notify());
    await client.query(`listen ${EVENTS_CHANNEL}`);
    let checkpoint = await this.loadCheckpoint();
    while (!this.stopping && !this.lost) {
      const events = await readCommitted(client, checkpoint, batchSize);
      if (events.length === 0) {
        await this.wakeup.wait(pollIntervalMs);
        continue;
      }
      checkpoint =
        (await this.consumer.deliver(this.source.name, events, () => this.stopping || this.lost)) ??
        checkpoint;
    }
  }

  private async loadCheckpoint(): Promise<Checkpoint> {
    const { options } = this.consumer.settings;
    const rows: { transaction_id: string; position: string }[] = await options.dataSource.query(
      `select transaction_id::text as transaction_id, position from feed_checkpoints where group_id = $1 and source = $2`,
      [options.groupId, this.source.name],
    );
    return rows[0] ? { transactionId: rows[0].transaction_id, position: Number(rows[0].position) } : ORIGIN;
  }
}
