// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Two index writes less per charge: `charges_by_publisher` and `charges_by_agent` serve no query (a
 * charge is read by its id, under its publisher: charges/queries.ts, service.ts), yet every charge
 * wrote both (bench/README.md, "Publisher charges"). A listing of charges that needs one adds it back.
 */
export class DropUnusedChargeIndexes1797300200000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`drop index if exists charges_by_publisher`);
    await runner.query(`drop index if exists charges_by_agent`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`create index charges_by_publisher on charges (publisher_id, created_at desc)`);
    await runner.query(`create index charges_by_agent on charges (agent_organization_id, created_at desc)`);
  }
}
