// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * x402/: the settled authorizations (one row per EIP-3009 authorization credited, written with its
 * ledger entry, so a replay is refused) and the library's PendingSettlementStore (a broadcast whose
 * receipt did not come in time, so a retried settle waits on it instead of sending again).
 */
export class CreateX4021795700400000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table x402_settlements (
        authorization_key text primary key,
        x402_version smallint not null,
        network text not null,
        payer text not null,
        nonce text not null,
        amount bigint not null check (amount > 0),
        organization_id text not null,
        publisher_id text not null,
        tx_hash text not null unique,
        entry_id uuid not null,
        settled_at timestamptz not null
      )`);
    await runner.query(`create index x402_settlements_organization on x402_settlements (organization_id, settled_at)`);
    await runner.query(`
      create table x402_pending_settlements (
        key text primary key,
        tx_hash text not null,
        created_at timestamptz not null default now()
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table x402_pending_settlements, x402_settlements`);
  }
}
