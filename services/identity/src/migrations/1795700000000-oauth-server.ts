import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Serebro's OAuth authorization server (src/oauth/):
 * - `oauth_models`: oidc-provider's storage (src/oauth/adapter.ts), one row per model and id
 *   (authorization codes, refresh tokens, grants, interactions, sessions...), payload as jsonb;
 *   expired rows are ignored on read and deleted in the background. Indexed for the adapter's
 *   lookups by `uid` (sessions) and by `grant_id` (revoking a grant's tokens).
 * - `oauth_grants`: what a grant was given for (the install, the location or agency, the class),
 *   written at consent; `revoked_at` is set when the grant dies (uninstall, replayed refresh token,
 *   revocation), so access tokens of a dead grant fail at once.
 */
export class OAuthServer1795700000000 implements MigrationInterface {
  name = 'OAuthServer1795700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table oauth_models (
        model text not null,
        id text not null,
        payload jsonb not null,
        grant_id text,
        uid text,
        user_code text,
        expires_at timestamptz,
        consumed_at timestamptz,
        primary key (model, id)
      )`);
    await q.query(`create index oauth_models_grant_idx on oauth_models (grant_id) where grant_id is not null`);
    await q.query(`create index oauth_models_uid_idx on oauth_models (uid) where uid is not null`);
    await q.query(`create index oauth_models_expiry_idx on oauth_models (expires_at) where expires_at is not null`);
    await q.query(`
      create table oauth_grants (
        grant_id text primary key,
        client_id text not null,
        app_id text not null,
        install_id text,
        user_id text not null,
        auth_class text not null check (auth_class in ('Location', 'Company')),
        organization_id text not null,
        company_id text,
        location_id text,
        scopes text[] not null,
        created_at timestamptz not null,
        revoked_at timestamptz
      )`);
    await q.query(`create index oauth_grants_install_idx on oauth_grants (install_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table oauth_grants`);
    await q.query(`drop table oauth_models`);
  }
}
