// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Read models of billing/: each user's subscription, its open checkouts (a Paystack reference →
 * its user), the history of its state changes, the Paystack webhook events already applied (one
 * effect per event id), and the customers' emails (from identity's events; Paystack needs one).
 */
export class CreateBilling1796600000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table subscriptions (
        user_id text primary key,
        subscription_id text,
        plan text not null,
        status text not null,
        cycle_start timestamptz,
        cycle_end timestamptz,
        free_since timestamptz,
        pending_plan text,
        paystack_subscription_code text,
        customer_code text,
        grace_ends_at timestamptz,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index subscriptions_by_code on subscriptions (paystack_subscription_code)`);
    await runner.query(`create index subscriptions_by_customer on subscriptions (customer_code)`);
    await runner.query(`
      create table subscription_checkouts (
        reference text primary key,
        user_id text not null,
        subscription_id text not null,
        plan text not null,
        amount_cents integer not null,
        status text not null,
        created_at timestamptz not null
      )`);
    await runner.query(`
      create table subscription_history (
        event_id text primary key,
        user_id text not null,
        subscription_id text not null,
        change text not null,
        plan text not null,
        status text not null,
        detail jsonb not null,
        occurred_at timestamptz not null,
        position bigint not null
      )`);
    await runner.query(
      `create index subscription_history_by_user on subscription_history (user_id, position)`,
    );
    await runner.query(`
      create table paystack_webhook_events (
        event_id text primary key,
        event_type text not null,
        received_at timestamptz not null
      )`);
    await runner.query(`
      create table billing_customers (
        user_id text primary key,
        email text not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index billing_customers_by_email on billing_customers (lower(email))`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of [
      'billing_customers',
      'paystack_webhook_events',
      'subscription_history',
      'subscription_checkouts',
      'subscriptions',
    ])
      await runner.query(`drop table ${table}`);
  }
}
