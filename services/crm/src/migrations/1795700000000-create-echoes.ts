// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/** The template's worked example's read model (its echo/ folder is gone; 1796100000000 drops the table). */
export class CreateEchoes1795700000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table echoes (
        id text primary key,
        message text not null,
        status text not null,
        reply text,
        requested_at timestamptz not null,
        replied_at timestamptz
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table echoes');
  }
}
