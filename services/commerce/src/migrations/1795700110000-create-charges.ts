// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** Read models of charges/: the minimal publisher record and publisher charges. */
export class CreateCharges1795700110000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table publishers (
        id text primary key,
        slug text not null unique,
        name text not null,
        organization_id text not null,
        created_at timestamptz not null
      )`);
    await runner.query(`create index publishers_by_organization on publishers (organization_id, created_at)`);
    await runner.query(`
      create table charges (
        id text primary key,
        publisher_id text not null,
        agent_organization_id text not null,
        agent_wallet text not null,
        asset text not null,
        amount_atomic bigint not null,
        from_promotional_atomic bigint not null,
        from_funded_atomic bigint not null,
        description text not null,
        idempotency_key text,
        status text not null,
        refunded_atomic bigint not null default 0,
        slashed_atomic bigint not null default 0,
        refund_reason text,
        refunded_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint charges_returned_within_amount check (refunded_atomic + slashed_atomic <= amount_atomic)
      )`);
    await runner.query(`create index charges_by_publisher on charges (publisher_id, created_at desc)`);
    await runner.query(`create index charges_by_agent on charges (agent_organization_id, created_at desc)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table charges');
    await runner.query('drop table publishers');
  }
}
