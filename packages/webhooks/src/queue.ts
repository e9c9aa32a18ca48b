import { randomUUID } from 'node:crypto';
import type { WebhookTables } from './tables.js';

/** Anything that runs a parameterised statement and answers rows: a pg Pool or client, typeorm's EntityManager. */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

// typeorm answers an UPDATE or DELETE as [rows, count]; every statement here that changes rows
// and returns them is wrapped in a CTE so that every driver answers plain rows.
const rowsOf = <T>(result: unknown): T[] =>
  (Array.isArray(result) ? result : ((result as { rows?: T[] }).rows ?? [])) as T[];

export interface DeliveryToEnqueue {
  /** a delivery id; random by default (it is also the payload's `webhookId` in crm) */
  id?: string;
  receiverId: string;
  /** whose receiver it is (crm: the location), for listings */
  ownerId: string;
  /** the source event's id: one delivery per receiver and source event */
  eventId: string;
  /** the webhook's type (e.g. ContactCreate) */
  eventType: string;
  payload: unknown;
}

/**
 * Enqueues deliveries in the caller's transaction (e.g. a consumer's): a (receiver, event) pair
 * already enqueued is skipped, so a redelivered source event sends nothing twice. Answers the ids
 * inserted. Notifies the workers (the NOTIFY is sent when the transaction commits).
 */
export async function enqueueDeliveries(
  sql: Queryable,
  tables: WebhookTables,
  deliveries: readonly DeliveryToEnqueue[],
  now: Date,
): Promise<string[]> {
  if (deliveries.length === 0) return [];
  const ids = deliveries.map((d) => d.id ?? randomUUID());
  const rows = rowsOf<{ id: string }>(
    await sql.query(
      `insert into ${tables.deliveries}
         (id, receiver_id, owner_id, event_id, event_type, payload, state, attempts, next_attempt_at,
          schedule_from, created_at, updated_at)
       select * , 'pending', 0, $7::timestamptz, $7::timestamptz, $7::timestamptz, $7::timestamptz
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[])
       on conflict (receiver_id, event_id) do nothing
       returning id`,
      [
        ids,
        deliveries.map((d) => d.receiverId),
        deliveries.map((d) => d.ownerId),
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => JSON.stringify(d.payload)),
        now.toISOString(),
      ],
    ),
  );
  if (rows.length > 0) await sql.query(`select pg_notify($1, '')`, [tables.channel]);
  return rows.map((r) => r.id);
}

export type DeliveryState = 'pending' | 'sending' | 'delivered' | 'failed' | 'rejected';

export interface DeliveryView {
  id: string;
  receiverId: string;
  ownerId: string;
  eventId: string;
  eventType: string;
  payload: unknown;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AttemptView {
  number: number;
  startedAt: Date;
  durationMs: number;
  outcome: 'delivered' | 'retry' | 'rejected' | 'failed';
  status: number | null;
  error: string | null;
  responseExcerpt: string | null;
  requestUrl: string;
}

interface DeliveryRow {
  id: string;
  receiver_id: string;
  owner_id: string;
  event_id: string;
  event_type: string;
  payload: unknown;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const deliveryOf = (row: DeliveryRow): DeliveryView => ({
  id: row.id,
  receiverId: row.receiver_id,
  ownerId: row.owner_id,
  eventId: row.event_id,
  eventType: row.event_type,
  payload: row.payload,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.state === 'pending' || row.state === 'sending' ? new Date(row.next_attempt_at) : null,
  lastStatus: row.last_status,
  lastError: row.last_error,
  deliveredAt: row.delivered_at ? new Date(row.delivered_at) : null,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
});

/** One delivery of a receiver; undefined when unknown or another receiver's. */
export async function findDelivery(
  sql: Queryable,
  tables: WebhookTables,
  receiverId: string,
  deliveryId: string,
): Promise<DeliveryView | undefined> {
  const [row] = rowsOf<DeliveryRow>(
    await sql.query(`select * from ${tables.deliveries} where id = $1 and receiver_id = $2`, [
      deliveryId,
      receiverId,
    ]),
  );
  return row ? deliveryOf(row) : undefined;
}

/** A receiver's deliveries, newest first, keyset after (createdAt, id) of the previous page's last. */
export async function listDeliveries(
  sql: Queryable,
  tables: WebhookTables,
  receiverId: string,
  page: { limit: number; after?: { createdAt: Date; id: string }; state?: DeliveryState },
): Promise<DeliveryView[]> {
  const params: unknown[] = [receiverId, page.limit];
  const where = [`receiver_id = $1`];
  if (page.after) {
    params.push(page.after.createdAt.toISOString(), page.after.id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  if (page.state) {
    params.push(page.state);
    where.push(`state = $${params.length}`);
  }
  const rows = rowsOf<DeliveryRow>(
    await sql.query(
      `select * from ${tables.deliveries} where ${where.join(' and ')} order by created_at desc, id desc limit $2`,
      params,
    ),
  );
  return rows.map(deliveryOf);
}

/** Every attempt of some deliveries, in order, by delivery id. */
export async function attemptsOf(
  sql: Queryable,
  tables: WebhookTables,
  deliveryIds: readonly string[],
): Promise<Map<string, AttemptView[]>> {
  const rows = rowsOf<{
    delivery_id: string;
    number: number;
    started_at: Date;
    duration_ms: number;
    outcome: AttemptView['outcome'];
    status: number | null;
    error: string | null;
    response_excerpt: string | null;
    request_url: string;
  }>(
    await sql.query(
      `select * from ${tables.attempts} where delivery_id = any($1::text[]) order by delivery_id, number`,
      [deliveryIds],
    ),
  );
  const byDelivery = new Map<string, AttemptView[]>(deliveryIds.map((id) => [id, []]));
  for (const row of rows)
    byDelivery.get(row.delivery_id)?.push({
      number: row.number,
      startedAt: new Date(row.started_at),
      durationMs: row.duration_ms,
      outcome: row.outcome,
      status: row.status,
      error: row.error,
      responseExcerpt: row.response_excerpt,
      requestUrl: row.request_url,
    });
  return byDelivery;
}

/**
 * Sends a delivery again, by hand: whatever its state (a delivered one too), it is due now with a
 * fresh 24 h schedule; its earlier attempts stay in the log. A delivery being sent right now is
 * left to finish (answers false).
 */
export async function redeliver(
  sql: Queryable,
  tables: WebhookTables,
  receiverId: string,
  deliveryId: string,
  now: Date,
): Promise<boolean> {
  const rows = rowsOf<{ id: string }>(
    await sql.query(
      `with changed as (
         update ${tables.deliveries}
         set state = 'pending', next_attempt_at = $3, schedule_from = $3, lease_until = null, updated_at = $3
         where id = $1 and receiver_id = $2 and state <> 'sending'
         returning id)
       select id from changed`,
      [deliveryId, receiverId, now.toISOString()],
    ),
  );
  if (rows.length > 0) await sql.query(`select pg_notify($1, '')`, [tables.channel]);
  return rows.length > 0;
}

/** A receiver enabled again starts its failure count afresh. */
export async function resetReceiverHealth(
  sql: Queryable,
  tables: WebhookTables,
  receiverId: string,
): Promise<void> {
  await sql.query(`delete from ${tables.health} where receiver_id = $1`, [receiverId]);
}

/**
 * Deletes finished deliveries (delivered, failed, rejected) whose last change is before `olderThan`,
 * with their attempts (cascade); pending and sending rows are never touched. In batches of
 * `batchSize` (1,000), each its own statement, so a large backlog holds its row locks briefly; rows
 * another process is deleting or updating are skipped (`SKIP LOCKED`), so every instance may run it
 * at once. A delivery redelivered by hand is pending again, so it stays. Answers how many went.
 */
export async function purgeFinishedDeliveries(
  sql: Queryable,
  tables: WebhookTables,
  olderThan: Date,
  batchSize = 1_000,
): Promise<number> {
  let total = 0;
  for (;;) {
    const [row] = rowsOf<{ n: number }>(
      await sql.query(
        // the states written out (not a parameter) so the planner uses the partial index
        `with gone as (
           delete from ${tables.deliveries} where id in (
             select id from ${tables.deliveries}
             where state in ('delivered', 'failed', 'rejected') and updated_at < $1
             limit $2
             for update skip locked)
           and state in ('delivered', 'failed', 'rejected')
           returning 1)
         select count(*)::int as n from gone`,
        [olderThan.toISOString(), batchSize],
      ),
    );
    const n = row?.n ?? 0;
    total += n;
    if (n < batchSize) return total;
  }
}
