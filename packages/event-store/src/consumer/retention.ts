import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';

/** How long a group keeps the ids of processed events (default 7 days) and how often it prunes (hourly). */
export interface RetentionPolicy {
  processedEventsMs?: number;
  pruneIntervalMs?: number;
}

const DAY = 86_400_000;
const BATCH = 5_000;

/**
 * Deletes a consumer group's processed-event rows once they are older than the retention. The rows
 * only guard against redelivery, and redelivery reaches back no further than the last committed
 * offset (Kafka) or checkpoint (PostgreSQL feed), minutes at most; a week leaves a wide margin while
 * keeping the table from growing forever. Deletes in small batches so writers never wait long.
 */
export class ProcessedEventsPruner {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  readonly retentionMs: number;
  private readonly intervalMs: number;

  constructor(
    private readonly groupId: string,
    private readonly dataSource: DataSource,
    private readonly logger: Logger,
    policy: RetentionPolicy = {},
  ) {
    this.retentionMs = policy.processedEventsMs ?? 7 * DAY;
    this.intervalMs = policy.pruneIntervalMs ?? 3_600_000;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.prune()
        .catch((error: unknown) =>
          this.logger.warn({ err: error, group: this.groupId }, 'pruning processed events failed'),
        )
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes the group's rows older than the retention (as of `now`); returns how many. */
  async prune(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - this.retentionMs);
    let total = 0;
    for (;;) {
      const [, deleted]: [unknown, number] = await this.dataSource.query(
        `delete from processed_events where (group_id, event_id) in (
           select group_id, event_id from processed_events
           where group_id = $1 and processed_at < $2 limit ${BATCH})`,
        [this.groupId, before],
      );
      total += deleted;
      if (deleted < BATCH) break;
    }
    if (total > 0) this.logger.info({ group: this.groupId, deleted: total }, 'pruned processed events');
    return total;
  }
}
