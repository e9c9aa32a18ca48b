// The delivery queue and log live in the owning service's PostgreSQL, in tables named with the
// service's prefix (crm: `webhook_deliveries`, `webhook_attempts`, `webhook_receiver_health`).
// A delivery row is the queue entry and the log's head; each attempt is one row of its own.

export interface WebhookTables {
  deliveries: string;
  attempts: string;
  health: string;
  /** the NOTIFY channel that wakes the workers when a delivery is due now */
  channel: string;
}

/** Table names for a prefix (letters, digits and _ only). */
export function webhookTables(prefix: string): WebhookTables {
  if (!/^[a-z][a-z0-9_]*$/.test(prefix)) throw new Error(`webhookTables: bad prefix ${prefix}`);
  return {
    deliveries: `${prefix}_deliveries`,
    attempts: `${prefix}_attempts`,
    health: `${prefix}_receiver_health`,
    channel: `${prefix}_due`,
  };
}

/**
 * The statements that create the tables, for the owning service's migration:
 * `for (const sql of webhookTablesSql('webhook')) await runner.query(sql)`.
 *
 * - deliveries: one row per (receiver, source event): the unique key makes enqueueing idempotent,
 *   so a redelivered source event enqueues nothing twice. `state` pending → sending (leased to a
 *   worker until `lease_until`; a crashed worker's lease runs out and the row is taken again:
 *   at least once) → delivered | failed | rejected. `schedule_from` starts the 24 h window (reset
 *   by a manual redelivery).
 * - attempts: every attempt with its outcome, status, duration and the answer's first bytes.
 * - receiver health: consecutive deliveries that ended undelivered, and when the receiver was disabled.
 */
export function webhookTablesSql(prefix: string): string[] {
  const t = webhookTables(prefix);
  return [
    `create table ${t.deliveries} (
      id text primary key,
      receiver_id text not null,
      owner_id text not null,
      event_id text not null,
      event_type text not null,
      payload jsonb not null,
      state text not null check (state in ('pending', 'sending', 'delivered', 'failed', 'rejected')),
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      lease_until timestamptz,
      schedule_from timestamptz not null,
      last_status integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      unique (receiver_id, event_id)
    )`,
    `create index ${t.deliveries}_due on ${t.deliveries} (next_attempt_at) where state = 'pending'`,
    `create index ${t.deliveries}_leased on ${t.deliveries} (receiver_id, lease_until) where state = 'sending'`,
    `create index ${t.deliveries}_receiver on ${t.deliveries} (receiver_id, created_at desc, id desc)`,
    `create table ${t.attempts} (
      delivery_id text not null references ${t.deliveries} (id) on delete cascade,
      number integer not null,
      started_at timestamptz not null,
      duration_ms integer not null,
      outcome text not null,
      status integer,
      error text,
      response_excerpt text,
      request_url text not null,
      primary key (delivery_id, number)
    )`,
    `create table ${t.health} (
      receiver_id text primary key,
      consecutive_failures integer not null default 0,
      disabled_at timestamptz
    )`,
  ];
}

/**
 * The index `purgeFinishedDeliveries` reads finished rows by (when they last changed), for the owner's
 * migration; `if not exists`, so a migration may run it whatever `webhookTablesSql` made.
 */
export function webhookPurgeIndexSql(prefix: string): string {
  const t = webhookTables(prefix);
  return `create index if not exists ${t.deliveries}_finished on ${t.deliveries} (updated_at)
    where state in ('delivered', 'failed', 'rejected')`;
}
