import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Serebro's marketplace (src/marketplace/) and vault (src/vault/). Read models kept by inline
 * projections: `marketplace_apps`, `marketplace_app_secrets` (which secret ids of an app work, and
 * until when: the rotation grace), `marketplace_installs`, `private_integration_tokens`,
 * `private_integration_token_secrets`, `vault_credentials` (masked only). Not derived from events:
 * the hashes of client secrets and PITs (in `credentials`, kinds `app_secret` and `pit`, id = the
 * secret id) and the sealed values of vault credentials (`vault_sealed`, written by the application
 * layer in the append's transaction; events never carry them).
 */
export class Marketplace1795800000000 implements MigrationInterface {
  name = 'Marketplace1795800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table marketplace_apps (
        id text primary key,
        organization_id text not null references organizations (id),
        client_id text not null unique,
        name text not null,
        redirect_uris text[] not null,
        scopes text[] not null,
        distribution text not null check (distribution in ('agency', 'location')),
        webhook_url text,
        created_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        deleted_at timestamptz
      )`);
    await q.query(
      `create index marketplace_apps_organization_idx on marketplace_apps (organization_id, created_at desc)`,
    );

    await q.query(`
      create table marketplace_app_secrets (
        secret_id text primary key,
        app_id text not null references marketplace_apps (id),
        created_at timestamptz not null,
        expires_at timestamptz
      )`);
    await q.query(`create index marketplace_app_secrets_app_idx on marketplace_app_secrets (app_id)`);

    await q.query(`
      create table marketplace_installs (
        id text primary key,
        app_id text not null references marketplace_apps (id),
        client_id text not null,
        organization_id text not null references organizations (id),
        company_id text,
        location_id text,
        user_id text not null,
        user_type text not null check (user_type in ('Location', 'Company')),
        scopes text[] not null,
        active boolean not null,
        installed_at timestamptz not null,
        updated_at timestamptz not null,
        uninstalled_at timestamptz,
        unique (app_id, organization_id)
      )`);
    await q.query(
      `create index marketplace_installs_organization_idx on marketplace_installs (organization_id)`,
    );
    await q.query(`create index marketplace_installs_company_idx on marketplace_installs (company_id)`);

    await q.query(`
      create table private_integration_tokens (
        id text primary key,
        organization_id text not null references organizations (id),
        user_type text not null check (user_type in ('Location', 'Company')),
        name text not null,
        scopes text[] not null,
        created_by text not null,
        created_at timestamptz not null,
        rotated_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz
      )`);
    await q.query(
      `create index private_integration_tokens_organization_idx on private_integration_tokens (organization_id, created_at desc)`,
    );

    await q.query(`
      create table private_integration_token_secrets (
        secret_id text primary key,
        pit_id text not null references private_integration_tokens (id),
        created_at timestamptz not null,
        expires_at timestamptz
      )`);
    await q.query(
      `create index private_integration_token_secrets_pit_idx on private_integration_token_secrets (pit_id)`,
    );

    await q.query(`
      create table vault_credentials (
        id text primary key,
        organization_id text not null references organizations (id),
        name text not null,
        kind text not null,
        masked text not null,
        created_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(
      `create unique index vault_credentials_name_key on vault_credentials (organization_id, lower(name))`,
    );

    await q.query(`
      create table vault_sealed (
        credential_id text primary key,
        key_id text not null,
        wrapped_key text not null,
        sealed text not null,
        sealed_at timestamptz not null default now()
      )`);
    await q.query(`create index vault_sealed_key_idx on vault_sealed (key_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'vault_sealed',
      'vault_credentials',
      'private_integration_token_secrets',
      'private_integration_tokens',
      'marketplace_installs',
      'marketplace_app_secrets',
      'marketplace_apps',
    ])
      await q.query(`drop table ${table}`);
  }
}
