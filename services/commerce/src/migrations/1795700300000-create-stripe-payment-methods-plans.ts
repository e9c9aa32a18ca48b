// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** Read models of stripe/, payment-methods/ and plans/ (their projection.ts files) and the webhook's inbox. */
export class CreateStripePaymentMethodsPlans1795700300000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table stripe_deposits (
        id text primary key,
        organization_id text not null,
        requested_by text not null,
        payment_intent_id text not null,
        amount_cents bigint not null,
        currency text not null,
        status text not null,
        amount_received_cents bigint,
        entry_id text,
        failure_reason text,
        referral_code text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index stripe_deposits_by_intent on stripe_deposits (payment_intent_id)`);
    await runner.query(
      `create index stripe_deposits_by_org on stripe_deposits (organization_id, created_at desc)`,
    );
    // Every Stripe event id the webhook processed, stored in the transaction of its effects: a
    // redelivered event finds its row and changes nothing.
    await runner.query(`
      create table stripe_webhook_events (
        event_id text primary key,
        type text not null,
        received_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table stripe_customers (
        organization_id text primary key,
        customer_id text not null,
        created_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table payment_methods (
        id text primary key,
        organization_id text not null,
        stripe_payment_method_id text not null,
        stripe_customer_id text not null,
        type text not null,
        card_brand text,
        card_last4 text,
        card_exp_month integer,
        card_exp_year integer,
        is_default boolean not null default false,
        created_at timestamptz not null,
        unique (organization_id, stripe_payment_method_id)
      )`);
    await runner.query(
      `create index payment_methods_by_org on payment_methods (organization_id, created_at)`,
    );
    await runner.query(`
      create table organization_plans (
        organization_id text primary key,
        plan_id text not null,
        pending_plan_id text,
        pending_change_id text,
        pending_effective_at timestamptz,
        pending_workflow_id text,
        stripe_payment_method_id text,
        last_proration_cents bigint,
        last_payment_intent_id text,
        changed_at timestamptz not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `drop table organization_plans, payment_methods, stripe_customers, stripe_webhook_events, stripe_deposits`,
    );
  }
}
