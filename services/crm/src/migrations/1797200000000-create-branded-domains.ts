// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Branded domains (domains/projection.ts): one per agency or location. A verified domain belongs to
 * one organization (a partial unique index, so two concurrent verifications of one domain cannot
 * both commit); an unverified one may be claimed by several (nobody can squat a domain by typing it).
 * `organizations` is identity's agencies and locations as the crm knows them (domains/organizations.ts,
 * from OrganizationCreated): which agency a location belongs to.
 */
export class CreateBrandedDomains1797200000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table branded_domains (
        organization_id text primary key,
        level text not null check (level in ('agency', 'location')),
        domain text not null,
        verification_token text not null,
        verified_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(
      `create unique index branded_domains_verified on branded_domains (domain) where verified_at is not null`,
    );
    await runner.query(`
      create table organizations (
        id text primary key,
        kind text not null,
        parent_id text
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table organizations');
    await runner.query('drop table branded_domains');
  }
}
