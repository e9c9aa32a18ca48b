// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Pipelines (stages in order, as one jsonb list: a pipeline is read whole) and opportunities
 * (pipelines/projection.ts, opportunities/projection.ts). Opportunity lists page by the cursor
 * (created_at, id) within a location, filtered by pipeline, stage, contact, status or assignee.
 */
export class CreatePipelinesOpportunities1796200000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table pipelines (
        id text primary key,
        location_id text not null,
        name text not null,
        stages jsonb not null,
        is_default boolean not null default false,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index pipelines_location on pipelines (location_id, created_at, id)`);
    await runner.query(`
      create table opportunities (
        id text primary key,
        location_id text not null,
        name text not null,
        pipeline_id text not null,
        pipeline_stage_id text not null,
        status text not null,
        monetary_value numeric,
        contact_id text not null,
        assigned_to text,
        source text,
        last_status_change_at timestamptz not null,
        last_stage_change_at timestamptz not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index opportunities_page on opportunities (location_id, created_at, id)`);
    await runner.query(
      `create index opportunities_stage on opportunities (location_id, pipeline_id, pipeline_stage_id, created_at, id)`,
    );
    await runner.query(`create index opportunities_contact on opportunities (location_id, contact_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table opportunities');
    await runner.query('drop table pipelines');
  }
}
