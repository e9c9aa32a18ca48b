import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import { sleep } from '../kafka.js';
import type { ConsumedEvent, Handler, RetryPolicy } from './types.js';

/** Delay before attempt `attempt` (2, 3, ...): exponential from `initialDelayMs`, capped. */
export function backoff(attempt: number, policy: Required<RetryPolicy>): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 2));
}

export const defaultRetry: Required<RetryPolicy> = { attempts: 4, initialDelayMs: 100, maxDelayMs: 5_000 };

/** What a transport does around the handler, for items of its own kind (a Kafka message, an outbox row). */
export interface Delivery<T> {
  event(item: T): ConsumedEvent;
  /** Runs in the transaction that handled `item` (the last one of a group), e.g. to move a checkpoint. */
  also?(manager: EntityManager, item: T): Promise<void>;
  /** Called in order once `item` and everything before it is committed (handled, duplicate or dead-lettered). */
  settled?(item: T): void;
  /** Records a dead letter; must also mark the event processed (see `markProcessed`). */
  deadLetter(item: T, error: Error, attempts: number): Promise<void>;
  /** Checked between transactions: stop early, leaving the rest for redelivery. */
  stopping(): boolean;
  /** Called between transactions, e.g. to heartbeat to the Kafka group coordinator. */
  between?(): Promise<void>;
}

/**
 * Runs a handler at most once in effect per (group, event id): the processed-event row is inserted
 * in the handler's own transaction, so a redelivered event meets the row (or waits for the
 * transaction that holds it) and does nothing.
 *
 * Consecutive events share one transaction (up to `maxPerTransaction`): on this machine a commit
 * (a WAL flush) costs more than the handler, so one per event capped the consumer near the append
 * rate and queued the latency. When a handler throws, the events before it are committed, the
 * failing one is retried alone with backoff and then dead-lettered, and batching resumes after it,
 * so each event's attempts and effects are exactly as if it ran alone.
 */
export class EventProcessor {
  private readonly policy: Required<RetryPolicy>;

  constructor(
    private readonly groupId: string,
    private readonly dataSource: DataSource,
    private readonly handler: Handler<ConsumedEvent>,
    private readonly logger: Logger,
    retry: RetryPolicy | undefined,
    private readonly maxPerTransaction = 100,
  ) {
    this.policy = { ...defaultRetry, ...retry };
  }

  async run<T>(items: readonly T[], delivery: Delivery<T>): Promise<void> {
    let start = 0;
    while (start < items.length && !delivery.stopping()) {
      const group = items.slice(start, start + this.maxPerTransaction);
      const failed = await this.together(group, delivery);
      if (failed === undefined) {
        delivery.settled?.(group.at(-1)!);
        start += group.length;
      } else {
        // The group rolled back. Commit what preceded the failure one by one, then the failure itself.
        const upTo = failed.index < 0 ? group.length : failed.index + 1;
        for (let i = 0; i < upTo && !delivery.stopping(); i++) {
          await this.alone(group[i]!, delivery, i === failed.index ? 1 : 0);
          delivery.settled?.(group[i]!);
        }
        start += upTo;
      }
      await delivery.between?.();
    }
  }

  /** Inserts the processed-event row; false when this group already has it. */
  async markProcessed(manager: EntityManager, eventId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `insert into processed_events (group_id, event_id) values ($1, $2) on conflict do nothing returning 1`,
      [this.groupId, eventId],
    );
    return rows.length === 1;
  }

  /** Inserts the processed-event rows of a group in one statement; returns the ids that were new. */
  private async markAllProcessed(manager: EntityManager, eventIds: readonly string[]): Promise<Set<string>> {
    const rows: { event_id: string }[] = await manager.query(
      `insert into processed_events (group_id, event_id) select $1, unnest($2::uuid[])
       on conflict do nothing returning event_id`,
      [this.groupId, eventIds],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  private async databaseReachable(): Promise<boolean> {
    try {
      await this.dataSource.query('select 1');
      return true;
    } catch {
      return false;
    }
  }

  /** One transaction for the group; on failure, which item's handler threw (-1: not a handler). */
  private async together<T>(
    group: readonly T[],
    delivery: Delivery<T>,
  ): Promise<{ index: number } | undefined> {
    let index = -1;
    try {
      await this.dataSource.transaction(async (manager) => {
        const events = group.map((item) => delivery.event(item));
        const fresh = await this.markAllProcessed(
          manager,
          events.map((e) => e.id),
        );
        for (let i = 0; i < events.length; i++) {
          // delete: a resent batch can put the same event twice in one group.
          if (!fresh.delete(events[i]!.id)) continue;
          index = i;
          await this.handler(events[i]!, { manager });
          index = -1;
        }
        await delivery.also?.(manager, group.at(-1)!);
      });
      return undefined;
    } catch (error) {
      if (group.length === 1 || index < 0)
        this.logger.debug({ err: error }, 'group transaction failed; going one by one');
      return { index };
    }
  }

  /** One item in its own transactions, with retries; dead-lettered when they run out. */
  private async alone<T>(item: T, delivery: Delivery<T>, attemptsSoFar: number): Promise<void> {
    const event = delivery.event(item);
    for (let attempt = attemptsSoFar + 1; ; attempt++) {
      if (attempt > 1) await sleep(backoff(attempt, this.policy));
      try {
        await this.dataSource.transaction(async (manager) => {
          if (await this.markProcessed(manager, event.id)) await this.handler(event, { manager });
          await delivery.also?.(manager, item);
        });
        return;
      } catch (error) {
        const err = error instanceof Error ? error : new Error(String(error));
        // A database that cannot be reached is not the event's fault: let the transport retry
        // later instead of spending the event's attempts and dead-lettering it.
        if (!(await this.databaseReachable())) throw err;
        if (attempt >= this.policy.attempts) {
          this.logger.error(
            { err, eventId: event.id, type: event.type, attempts: attempt },
            'event dead-lettered',
          );
          await delivery.deadLetter(item, err, attempt);
          return;
        }
        this.logger.warn({ err, eventId: event.id, type: event.type, attempt }, 'handler failed; retrying');
      }
    }
  }
}
