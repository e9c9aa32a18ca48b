// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * The credential store (credentials/): `credentials` is the read model (masked values only, name
 * unique per location in any case); `credential_secrets` holds the sealed secrets of the current
 * version and the previous one (written by credentials/service.ts in the append's transaction).
 */
export class CreateCredentials1797000000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table credentials (
        id text primary key,
        location_id text not null,
        name text not null,
        kind text not null,
        masked_values jsonb not null,
        version integer not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        rotated_at timestamptz
      )`);
    await runner.query(
      `create unique index credentials_location_name on credentials (location_id, lower(name))`,
    );
    await runner.query(`
      create table credential_secrets (
        credential_id text not null,
        version integer not null,
        key_id text not null,
        wrapped_key text not null,
        sealed text not null,
        sealed_at timestamptz not null default now(),
        primary key (credential_id, version)
      )`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table if exists credential_secrets`);
    await runner.query(`drop table if exists credentials`);
  }
}
