// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * The publisher catalog (publishers/): the minimal `publishers` record of charges grows the full
 * publisher (its settings in `config`, the listing's searchable columns, soft delete), beside its
 * per-asset pricing, its sealed secrets, and the usage projection analytics read. Rows made by the
 * minimal record keep working: an API publisher with no settings and no pricing.
 */
export class CreatePublisherCatalog1796300000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      alter table publishers
        add column description text,
        add column categories text[] not null default '{}',
        add column capabilities text[] not null default '{}',
        add column integration_type text not null default 'api',
        add column billing_model text not null default 'prepaid_credits',
        add column is_verified boolean not null default false,
        add column is_active boolean not null default true,
        add column config jsonb not null default '{}',
        add column secrets_masked jsonb not null default '{}',
        add column search tsvector,
        add column created_by text,
        add column updated_at timestamptz,
        add column deleted_at timestamptz`);
    await runner.query(`update publishers set updated_at = created_at,
      search = setweight(to_tsvector('english', name || ' ' || replace(slug, '-', ' ')), 'A')`);
    await runner.query(`alter table publishers alter column updated_at set not null`);
    await runner.query(`create index publishers_search on publishers using gin (search)`);
    await runner.query(
      `create index publishers_in_store on publishers (created_at desc, id) where deleted_at is null and is_active`,
    );
    await runner.query(`
      create table publisher_pricing (
        publisher_id text not null references publishers (id),
        asset_id text not null,
        pricing jsonb not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        primary key (publisher_id, asset_id)
      )`);
    // sealed with @seren/service-kit/sealing under COMMERCE_KEK_*: never read outside openPublisherSecrets
    await runner.query(`
      create table publisher_secrets (
        publisher_id text not null references publishers (id),
        name text not null,
        key_id text not null,
        wrapped_key text not null,
        sealed text not null,
        sealed_at timestamptz not null default now(),
        primary key (publisher_id, name)
      )`);
    // the usage projection (PublisherCallCompleted): per publisher, asset and UTC day; per agent and day; per agent
    await runner.query(`
      create table publisher_usage_daily (
        publisher_id text not null,
        asset text not null,
        day date not null,
        revenue_atomic bigint not null default 0,
        queries integer not null default 0,
        failed integer not null default 0,
        primary key (publisher_id, asset, day)
      )`);
    await runner.query(`
      create table publisher_usage_agent_daily (
        publisher_id text not null,
        asset text not null,
        day date not null,
        agent_wallet text not null,
        revenue_atomic bigint not null default 0,
        queries integer not null default 0,
        primary key (publisher_id, asset, day, agent_wallet)
      )`);
    await runner.query(`
      create table publisher_usage_agents (
        publisher_id text not null,
        asset text not null,
        agent_wallet text not null,
        organization_id text,
        spent_atomic bigint not null default 0,
        queries integer not null default 0,
        last_active timestamptz not null,
        primary key (publisher_id, asset, agent_wallet)
      )`);
    await runner.query(
      `create index publisher_usage_agents_by_spend on publisher_usage_agents (publisher_id, asset, spent_atomic desc, agent_wallet)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table publisher_usage_agents');
    await runner.query('drop table publisher_usage_agent_daily');
    await runner.query('drop table publisher_usage_daily');
    await runner.query('drop table publisher_secrets');
    await runner.query('drop table publisher_pricing');
    await runner.query(`alter table publishers drop column description, drop column categories, drop column capabilities,
      drop column integration_type, drop column billing_model, drop column is_verified, drop column is_active,
      drop column config, drop column secrets_masked, drop column search, drop column created_by,
      drop column updated_at, drop column deleted_at`);
  }
}
