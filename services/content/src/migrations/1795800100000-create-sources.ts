// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** The sources read model (sources/projection.ts). */
export class CreateSources1795800100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table sources (
        id text primary key,
        project_id text not null,
        user_id text not null,
        filename text not null,
        file_type text not null,
        file_size bigint not null,
        storage_key text not null,
        status text not null,
        job_id text not null,
        text_key text,
        characters integer,
        word_count integer,
        page_count integer,
        headings jsonb not null default '[]',
        row_count integer,
        error_message text,
        metadata jsonb not null default '{}',
        created_at timestamptz not null,
        updated_at timestamptz not null,
        parsed_at timestamptz
      )`);
    await runner.query(
      `create index sources_project_created on sources (project_id, created_at desc, id desc)`,
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table sources');
  }
}
