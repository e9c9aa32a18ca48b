// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** Read models of projects/, jobs/ and links/ (their projection.ts files). */
export class CreateProjectsJobsLinks1795800000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table projects (
        id text primary key,
        user_id text not null,
        name text not null,
        description text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index projects_by_user on projects (user_id, created_at desc, id desc)`);
    await runner.query(`
      create table jobs (
        id text primary key,
        user_id text not null,
        project_id text not null,
        job_type text not null,
        status text not null,
        progress integer not null,
        total_items integer not null,
        items_done integer not null,
        result jsonb,
        error_message text,
        workflow_id text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index jobs_by_project on jobs (project_id, status)`);
    await runner.query(`
      create table link_opportunities (
        id text primary key,
        project_id text not null,
        user_id text not null,
        target_url text not null,
        keywords text[] not null,
        anchor_text text,
        created_at timestamptz not null
      )`);
    await runner.query(
      `create index link_opportunities_by_project on link_opportunities (project_id, created_at)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table link_opportunities');
    await runner.query('drop table jobs');
    await runner.query('drop table projects');
  }
}
