// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * ledger/holds.ts and proxy/: a paid call's hold (money moved from the agent's wallet to its held
 * account by a journal entry before the upstream runs; captured into the publisher's earnings or
 * released back by a second entry), the x402 authorizations a call is paying with while its
 * upstream runs (claimed once, settled only on success), and the per-agent calls-per-minute windows
 * of `max_queries_per_minute`.
 */
export class CreateHoldsProxy1796400000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table ledger_holds (
        id text primary key,
        organization_id text not null,
        publisher_id text not null,
        asset text not null,
        amount bigint not null check (amount > 0),
        from_promotional bigint not null check (from_promotional >= 0),
        from_funded bigint not null check (from_funded >= 0),
        status text not null check (status in ('held', 'captured', 'released')),
        captured bigint check (captured >= 0 and captured <= amount),
        hold_entry_id uuid not null,
        settle_entry_id uuid,
        metadata jsonb not null default '{}',
        expires_at timestamptz not null,
        created_at timestamptz not null,
        settled_at timestamptz,
        check (from_promotional + from_funded = amount)
      )`);
    // the sweep's and the earnings' reads: open holds by expiry, by publisher
    await runner.query(`create index ledger_holds_open on ledger_holds (expires_at) where status = 'held'`);
    await runner.query(
      `create index ledger_holds_open_by_publisher on ledger_holds (publisher_id, asset) where status = 'held'`,
    );
    await runner.query(`
      create table proxy_x402_claims (
        authorization_key text primary key,
        call_id text not null,
        publisher_id text not null,
        amount bigint not null,
        status text not null check (status in ('verified', 'settled')),
        tx_hash text unique,
        expires_at timestamptz not null,
        created_at timestamptz not null default now()
      )`);
    await runner.query(`
      create table proxy_rate_windows (
        publisher_id text not null,
        agent text not null,
        window_start timestamptz not null,
        calls integer not null,
        primary key (publisher_id, agent, window_start)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table proxy_rate_windows, proxy_x402_claims, ledger_holds`);
  }
}
