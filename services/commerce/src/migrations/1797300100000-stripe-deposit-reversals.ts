// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * `stripe_deposits` shows what Stripe took back (stripe/projection.ts): `refunded_cents` (refunds so
 * far) and `disputed_cents` (open disputes: a won one gives its amount back), and the status
 * `disputed` while a dispute holds money, else `refunded` once a refund took any, else as before.
 * Deposits reversed before this migration get their figures from their events.
 */
export class StripeDepositReversals1797300100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`alter table stripe_deposits
      add column refunded_cents bigint not null default 0,
      add column disputed_cents bigint not null default 0`);
    await runner.query(`
      with taken as (
        select e.data ->> 'depositId' as id,
          coalesce(sum((e.data ->> 'amountCents')::bigint) filter (
            where e.type = 'StripeDepositReversed' and e.data ->> 'reason' = 'refund'), 0) as refunded,
          coalesce(sum((e.data ->> 'amountCents')::bigint) filter (
            where e.type = 'StripeDepositReversed' and e.data ->> 'reason' = 'dispute'), 0)
          - coalesce(sum((e.data ->> 'amountCents')::bigint) filter (where e.type = 'StripeDepositReinstated'), 0)
            as disputed
        from events e where e.type in ('StripeDepositReversed', 'StripeDepositReinstated')
        group by 1
      )
      update stripe_deposits d set refunded_cents = t.refunded, disputed_cents = t.disputed,
        status = case when t.disputed > 0 then 'disputed' when t.refunded > 0 then 'refunded' else d.status end
      from taken t where t.id = d.id`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(
      `update stripe_deposits set status = 'succeeded' where status in ('refunded', 'disputed')`,
    );
    await runner.query(`alter table stripe_deposits drop column refunded_cents, drop column disputed_cents`);
  }
}
