// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Payments (payments/): the connections (one live connection per provider in a location), the
 * intents (HighLevel's transactions, paged newest first per location), the idempotency
 * keys of the payment writes, and the provider events already applied (webhooks and
 * the reconciliation, once per event id).
 */
export class CreatePayments1797100000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table payment_connections (
        id text primary key,
        location_id text not null,
        provider text not null,
        name text not null,
        description text,
        payments_url text,
        query_url text,
        image_url text,
        keys jsonb not null default '{}',
        created_at timestamptz not null,
        updated_at timestamptz not null,
        disconnected_at timestamptz
      )`);
    await runner.query(
      `create unique index payment_connections_live on payment_connections (location_id, provider) where disconnected_at is null`,
    );
    await runner.query(`
      create table payments (
        id text primary key,
        location_id text not null,
        contact_id text not null,
        opportunity_id text,
        appointment_id text,
        connection_id text not null,
        provider text not null,
        live_mode boolean not null,
        provider_payment_id text not null,
        amount bigint not null,
        currency text not null,
        description text,
        metadata jsonb not null,
        status text not null,
        amount_captured bigint not null default 0,
        amount_refunded bigint not null default 0,
        failure_message text,
        return_url text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index payments_page on payments (location_id, created_at, id)`);
    await runner.query(`create index payments_contact on payments (location_id, contact_id)`);
    await runner.query(`create index payments_provider_id on payments (connection_id, provider_payment_id)`);
    await runner.query(`create index payments_open on payments (connection_id, status, created_at)`);
    await runner.query(`
      create table payment_idempotency_keys (
        scope text not null,
        key text not null,
        request_hash text not null,
        result jsonb,
        locked_until timestamptz,
        created_at timestamptz not null default now(),
        primary key (scope, key)
      )`);
    await runner.query(`
      create table payment_provider_events (
        connection_id text not null,
        event_id text not null,
        type text not null,
        received_at timestamptz not null default now(),
        primary key (connection_id, event_id)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'payment_provider_events',
      'payment_idempotency_keys',
      'payments',
      'payment_connections',
    ])
      await runner.query(`drop table ${table}`);
  }
}
