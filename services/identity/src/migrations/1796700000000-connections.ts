import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Connected accounts (src/connections/). Read models kept by inline projections: `oauth_providers`
 * (organizations' BYOC providers; global ones come from configuration), `oauth_connections` (a
 * user's account at a provider), `social_accounts` (Serelo's Facebook accounts and their pages,
 * with masked tokens). Not derived from events: `oauth_states`, the pending authorizations (the
 * SHA-256 of the state, the user and provider it is bound to, the PKCE verifier and where to send
 * the browser; single-use, 10 minutes). Secrets (client secrets, tokens) live sealed in the vault.
 */
export class Connections1796700000000 implements MigrationInterface {
  name = 'Connections1796700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table oauth_providers (
        id text primary key,
        organization_id text not null references organizations (id),
        slug text not null,
        name text not null,
        description text,
        logo_url text,
        issuer text,
        authorization_url text,
        token_url text,
        revocation_url text,
        userinfo_url text,
        scopes text[] not null,
        pkce_required boolean not null,
        custom_auth_params jsonb not null,
        client_id text not null,
        is_active boolean not null,
        created_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(
      `create unique index oauth_providers_slug_idx on oauth_providers (organization_id, lower(slug))`,
    );
    await q.query(`
      create table oauth_connections (
        id text primary key,
        user_id text not null,
        provider_id text not null,
        provider_slug text not null,
        organization_id text,
        account_id text,
        account_name text,
        scopes text[] not null,
        expires_at timestamptz,
        connected_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(
      `create unique index oauth_connections_user_idx on oauth_connections (user_id, provider_id)`,
    );
    await q.query(`create index oauth_connections_provider_idx on oauth_connections (provider_id)`);
    await q.query(`
      create table oauth_states (
        state_hash text primary key,
        user_id text not null,
        provider_id text not null,
        flow text not null check (flow in ('connection', 'social')),
        code_verifier text,
        callback_url text not null,
        return_to text not null,
        created_at timestamptz not null,
        expires_at timestamptz not null
      )`);
    await q.query(`create index oauth_states_expiry_idx on oauth_states (expires_at)`);
    await q.query(`
      create table social_accounts (
        id text primary key,
        user_id text not null,
        platform text not null,
        platform_user_id text not null,
        platform_username text,
        masked_token text not null,
        pages jsonb not null,
        token_expires_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(
      `create unique index social_accounts_user_idx on social_accounts (user_id, platform, platform_user_id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table social_accounts`);
    await q.query(`drop table oauth_states`);
    await q.query(`drop table oauth_connections`);
    await q.query(`drop table oauth_providers`);
  }
}
