import type { OutboundPolicy } from '@seren/outbound';
import type { Pool, PoolClient } from 'pg';
import {
  attemptDelivery,
  signedRequest,
  type AttemptResult,
  type Receiver,
  type SigningKeys,
} from './attempt.js';
import { deliveryOf, type DeliveryView } from './queue.js';
import { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, type RetrySchedule } from './schedule.js';
import type { WebhookTables } from './tables.js';

interface Logger {
  info(object: object, message?: string): void;
  warn(object: object, message?: string): void;
  error(object: object, message?: string): void;
}

export interface DeliveryWorkerOptions {
  /** the owning service's database (its pool: claims, attempts and LISTEN run on it) */
  pool: Pool;
  tables: WebhookTables;
  /** the receiver as it is now (URL, method, headers, live secrets, enabled); undefined when deleted */
  resolveReceiver: (receiverId: string) => Promise<Receiver | undefined>;
  /**
   * The payload as sent, from the stored one (e.g. crm adds `webhookId` and `timestamp` here).
   * Called once per attempt; the stored payload itself is never changed.
   */
  finalPayload?: (delivery: DeliveryView) => unknown;
  policy: OutboundPolicy;
  keys: SigningKeys;
  schedule?: RetrySchedule;
  /** attempts in flight in this process; 32 by default */
  concurrency?: number;
  /** attempts in flight per receiver (all processes, counted from the leases); 4 by default */
  perReceiver?: number;
  /** one attempt's timeout; 10 s by default */
  timeoutMs?: number;
  excerptBytes?: number;
  /** poll when no NOTIFY came; 1 s by default */
  pollIntervalMs?: number;
  /** called after a receiver was disabled (once), outside the worker's transaction: event it there */
  onReceiverDisabled?: (receiverId: string, consecutiveFailures: number) => Promise<void>;
  /** called after each attempt was recorded (metrics, tests, the bench) */
  onAttempt?: (delivery: DeliveryView, result: AttemptResult) => void;
  logger?: Logger;
  now?: () => Date;
  random?: () => number;
}

/**
 * The delivery loop: claims due deliveries (`FOR UPDATE SKIP LOCKED`, so any number of processes
 * share the queue; at most `perReceiver` in flight per receiver), sends each through the outbound
 * guard, and records the attempt, the delivery's next state and the receiver's health in one
 * transaction. A claim is a lease (the timeout plus 30 s): a process that dies mid-attempt loses
 * no delivery, its lease runs out and another takes it again (at least once; the receiver may
 * see it twice and dedupes by `webhookId` / the delivery id header).
 */
export class DeliveryWorker {
  private running = false;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private listener: PoolClient | undefined;
  private loop: Promise<void> | undefined;
  private wakeRequested = false;
  private wakeUp: (() => void) | undefined;
  private readonly tasks = new Set<Promise<void>>();
  private readonly schedule: RetrySchedule;
  private readonly now: () => Date;

  constructor(private readonly options: DeliveryWorkerOptions) {
    this.schedule = options.schedule ?? DEFAULT_RETRY_SCHEDULE;
    this.now = options.now ?? (() => new Date());
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      this.listener = await this.options.pool.connect();
      this.listener.on('notification', () => this.wake());
      this.listener.on('error', () => undefined);
      await this.listener.query(`listen ${this.options.tables.channel}`);
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'webhook worker: LISTEN failed; polling only');
      this.listener?.release(true);
      this.listener = undefined;
    }
    this.loop = this.run();
  }

  /** Stops claiming, waits for the attempts in flight to be recorded. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake();
    await this.loop;
    await Promise.all(this.tasks);
    if (this.listener) {
      await this.listener.query(`unlisten ${this.options.tables.channel}`).catch(() => undefined);
      this.listener.release();
      this.listener = undefined;
    }
  }

  /** Claims again now (a delivery was enqueued or an attempt finished). */
  wake(): void {
    this.wakeRequested = true;
    this.wakeUp?.();
  }

  private async sleep(): Promise<void> {
    if (this.wakeRequested) return;
    await new Promise<void>((resolve) => {
      this.wakeUp = resolve;
      this.timer = setTimeout(resolve, this.options.pollIntervalMs ?? 1_000);
    });
    clearTimeout(this.timer);
    this.wakeUp = undefined;
  }

  private async run(): Promise<void> {
    const concurrency = this.options.concurrency ?? 32;
    while (this.running) {
      this.wakeRequested = false;
      let claimed: DeliveryView[] = [];
      const room = concurrency - this.inFlight;
      if (room > 0) {
        try {
          claimed = await this.claim(room);
        } catch (error) {
          if (this.running) this.options.logger?.error({ err: error }, 'webhook worker: claim failed');
        }
      }
      for (const delivery of claimed) {
        this.inFlight += 1;
        const task = this.deliver(delivery)
          .catch((error) =>
            this.options.logger?.error(
              { err: error, deliveryId: delivery.id },
              'webhook worker: attempt not recorded',
            ),
          )
          .finally(() => {
            this.inFlight -= 1;
            this.tasks.delete(task);
            this.wake();
          });
        this.tasks.add(task);
      }
      // a full batch: there may be more due at once
      if (claimed.length === room && room > 0) continue;
      await this.sleep();
    }
  }

  private async claim(limit: number): Promise<DeliveryView[]> {
    const { deliveries } = this.options.tables;
    const leaseMs = (this.options.timeoutMs ?? 10_000) + 30_000;
    const perReceiver = this.options.perReceiver ?? 4;
    const now = this.now();
    // Candidates: due pending rows and rows whose lease ran out, at most `perReceiver` minus what
    // that receiver has in flight. The outer update re-checks the state under the row lock, so two
    // processes never take one row; the per-receiver count may overshoot by what they claim at once.
    const result = await this.options.pool.query(
      `with inflight as (
         select receiver_id, count(*)::int as n from ${deliveries}
         where state = 'sending' and lease_until > $1 group by receiver_id),
       due as (
         select id, receiver_id, next_attempt_at from ${deliveries}
         where (state = 'pending' and next_attempt_at <= $1)
         order by next_attempt_at limit $3 * 8
         for update skip locked),
       expired as (
         select id, receiver_id, lease_until as next_attempt_at from ${deliveries}
         where state = 'sending' and lease_until <= $1
         limit $3
         for update skip locked),
       ranked as (
         select c.id, row_number() over (partition by c.receiver_id order by c.next_attempt_at, c.id) as rn,
                coalesce(f.n, 0) as busy, c.next_attempt_at
         from (select * from due union all select * from expired) c left join inflight f using (receiver_id)),
       chosen as (
         select id from ranked where rn + busy <= $4 order by next_attempt_at limit $3)
       update ${deliveries} d
       set state = 'sending', lease_until = $1::timestamptz + ($2 || ' milliseconds')::interval,
           attempts = d.attempts + 1, updated_at = $1
       from chosen where d.id = chosen.id
       returning d.*`,
      [now.toISOString(), String(leaseMs), limit, perReceiver],
    );
    return result.rows.map(deliveryOf);
  }

  private async deliver(delivery: DeliveryView): Promise<void> {
    const receiver = await this.options.resolveReceiver(delivery.receiverId);
    const started = this.now();
    let result: AttemptResult;
    let url = receiver?.url ?? '';
    if (!receiver || !receiver.enabled) {
      result = {
        outcome: 'rejected',
        status: null,
        durationMs: 0,
        responseExcerpt: null,
        error: receiver ? 'RECEIVER_DISABLED' : 'RECEIVER_DELETED',
        retryAfterMs: null,
      };
    } else {
      const payload = this.options.finalPayload ? this.options.finalPayload(delivery) : delivery.payload;
      const request = signedRequest(receiver, payload, this.options.keys, started, delivery.id);
      url = request.url;
      result = await attemptDelivery(request, this.options.policy, {
        timeoutMs: this.options.timeoutMs,
        excerptBytes: this.options.excerptBytes,
        now: this.now,
      });
    }
    const disabled = await this.record(delivery, result, started, url, Boolean(receiver?.enabled));
    this.options.onAttempt?.(delivery, result);
    if (disabled !== undefined)
      await this.options
        .onReceiverDisabled?.(delivery.receiverId, disabled)
        .catch((error) =>
          this.options.logger?.error(
            { err: error, receiverId: delivery.receiverId },
            'webhook worker: disable hook failed',
          ),
        );
  }

  /** Records the attempt and the delivery's next state; answers the failure count when this disabled the receiver. */
  private async record(
    delivery: DeliveryView,
    result: AttemptResult,
    started: Date,
    url: string,
    counts: boolean,
  ): Promise<number | undefined> {
    const { deliveries, attempts, health } = this.options.tables;
    const now = this.now();
    let state: 'pending' | 'delivered' | 'failed' | 'rejected';
    let next: Date | undefined;
    if (result.outcome === 'delivered') state = 'delivered';
    else if (result.outcome === 'rejected') state = 'rejected';
    else {
      const [row] = (
        await this.options.pool.query(`select schedule_from from ${deliveries} where id = $1`, [delivery.id])
      ).rows as Array<{ schedule_from: Date }>;
      next = nextAttemptAt(
        new Date(row?.schedule_from ?? delivery.createdAt),
        delivery.attempts,
        now,
        this.schedule,
        result.retryAfterMs,
        this.options.random,
      );
      state = next ? 'pending' : 'failed';
    }
    const client = await this.options.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into ${attempts} (delivery_id, number, started_at, duration_ms, outcome, status, error, response_excerpt, request_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         on conflict (delivery_id, number) do nothing`,
        [
          delivery.id,
          delivery.attempts,
          started.toISOString(),
          result.durationMs,
          state === 'failed' ? 'failed' : result.outcome,
          result.status,
          result.error,
          result.responseExcerpt,
          url,
        ],
      );
      await client.query(
        `update ${deliveries}
         set state = $2, next_attempt_at = coalesce($3, next_attempt_at), lease_until = null,
             last_status = $4, last_error = $5, updated_at = $6,
             delivered_at = case when $2 = 'delivered' then $6::timestamptz else delivered_at end
         where id = $1 and state = 'sending'`,
        [delivery.id, state, next?.toISOString() ?? null, result.status, result.error, now.toISOString()],
      );
      let disabled: number | undefined;
      if (counts && state === 'delivered') {
        await client.query(
          `update ${health} set consecutive_failures = 0 where receiver_id = $1 and consecutive_failures <> 0`,
          [delivery.receiverId],
        );
      } else if (counts && (state === 'failed' || state === 'rejected')) {
        const { rows } = await client.query(
          `insert into ${health} (receiver_id, consecutive_failures) values ($1, 1)
           on conflict (receiver_id) do update set consecutive_failures = ${health}.consecutive_failures + 1
           returning consecutive_failures, disabled_at`,
          [delivery.receiverId],
        );
        const { consecutive_failures: failures, disabled_at } = rows[0] as {
          consecutive_failures: number;
          disabled_at: Date | null;
        };
        if (failures >= this.schedule.disableAfterConsecutiveFailures && !disabled_at) {
          await client.query(`update ${health} set disabled_at = $2 where receiver_id = $1`, [
            delivery.receiverId,
            now.toISOString(),
          ]);
          disabled = failures;
        }
      }
      await client.query('commit');
      return disabled;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
