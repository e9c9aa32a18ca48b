// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** Read models of posts/ (posts, and the monthly posts used of the generation quota). */
export class CreatePosts1795800200000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table posts (
        id text primary key,
        project_id text not null,
        user_id text not null,
        job_id text not null,
        bulk_job_id text,
        topic text not null,
        voice text not null,
        target_length text not null,
        custom_instructions text,
        source_ids text[] not null,
        channel text,
        status text not null,
        content jsonb,
        generator text,
        word_count integer,
        error_message text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index posts_by_project on posts (project_id, created_at desc, id desc)`);
    await runner.query(`
      create table generation_quota_usage (
        user_id text not null,
        period text not null,
        posts_used integer not null,
        primary key (user_id, period)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table generation_quota_usage');
    await runner.query('drop table posts');
  }
}
