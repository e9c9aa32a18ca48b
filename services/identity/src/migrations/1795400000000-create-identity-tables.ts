import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity's read models (kept by inline projections from the events), the credentials table
 * (hashes only; the one piece of state that is not derived from events, since events never carry
 * secrets), the token signing keys, and the audit log (fed by a consumer).
 */
export class CreateIdentityTables1795400000000 implements MigrationInterface {
  name = 'CreateIdentityTables1795400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table users (
        id text primary key,
        kind text not null check (kind in ('human', 'agent')),
        email text,
        name text not null,
        email_verified boolean not null default false,
        personal_organization_id text not null,
        has_recovery_code boolean not null default false,
        recovery_email text,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    // One account per address, whatever its case.
    await q.query(`create unique index users_email_key on users (lower(email)) where email is not null`);

    await q.query(`
      create table organizations (
        id text primary key,
        kind text not null check (kind in ('personal', 'team', 'agency', 'location')),
        name text not null,
        parent_id text references organizations (id),
        owner_user_id text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create index organizations_parent_idx on organizations (parent_id)`);

    await q.query(`
      create table members (
        organization_id text not null references organizations (id),
        user_id text not null references users (id),
        role_id text not null,
        joined_at timestamptz not null,
        primary key (organization_id, user_id)
      )`);
    await q.query(`create index members_user_idx on members (user_id)`);

    await q.query(`
      create table roles (
        id text primary key,
        organization_id text not null references organizations (id),
        name text not null,
        description text,
        permissions text[] not null,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await q.query(`create unique index roles_name_key on roles (organization_id, lower(name))`);

    await q.query(`
      create table invites (
        id text primary key,
        organization_id text not null references organizations (id),
        email text not null,
        role_id text not null,
        status text not null,
        invited_by text,
        created_at timestamptz not null,
        expires_at timestamptz not null,
        accepted_at timestamptz,
        accepted_by text
      )`);
    await q.query(`create index invites_organization_idx on invites (organization_id, created_at desc)`);

    await q.query(`
      create table api_keys (
        id text primary key,
        organization_id text not null references organizations (id),
        user_id text not null,
        role_id text not null,
        name text not null,
        prefix text not null unique,
        created_by text,
        created_at timestamptz not null,
        expires_at timestamptz,
        revoked_at timestamptz,
        revoke_reason text,
        last_used_at timestamptz
      )`);
    await q.query(`create index api_keys_organization_idx on api_keys (organization_id, created_at desc)`);
    await q.query(`create index api_keys_user_idx on api_keys (user_id)`);

    await q.query(`
      create table sessions (
        id text primary key,
        user_id text not null references users (id),
        method text not null,
        ip_address text,
        user_agent text,
        current_refresh_token_id text not null,
        created_at timestamptz not null,
        last_active_at timestamptz not null,
        expires_at timestamptz not null,
        revoked_at timestamptz,
        revoke_reason text
      )`);
    await q.query(`create index sessions_user_idx on sessions (user_id, created_at desc)`);

    // Every refresh token ever issued, by id (the token itself is a signed JWT and is never stored).
    await q.query(`
      create table refresh_tokens (
        id text primary key,
        session_id text not null references sessions (id),
        user_id text not null,
        issued_at timestamptz not null,
        expires_at timestamptz not null,
        spent_at timestamptz,
        replaced_by text
      )`);
    await q.query(`create index refresh_tokens_session_idx on refresh_tokens (session_id)`);

    // Hashes of secrets, keyed by the id the events use: password (id = user id, argon2id),
    // api_key (id = key id), recovery_code, email_verification, password_reset, invite (SHA-256).
    await q.query(`
      create table credentials (
        id text not null,
        kind text not null,
        subject_id text not null,
        hash text not null,
        created_at timestamptz not null default now(),
        primary key (kind, id)
      )`);
    await q.query(`create index credentials_hash_idx on credentials (kind, hash)`);
    await q.query(`create index credentials_subject_idx on credentials (kind, subject_id)`);

    await q.query(`
      create table signing_keys (
        kid text primary key,
        algorithm text not null,
        public_jwk jsonb not null,
        private_jwk jsonb not null,
        created_at timestamptz not null default now()
      )`);

    await q.query(`
      create table audit_logs (
        id uuid primary key default gen_random_uuid(),
        organization_id text not null,
        event_id uuid not null unique,
        event_type text not null,
        source text not null,
        actor_id text,
        actor_type text,
        action text not null,
        action_category text not null,
        resource_type text not null,
        resource_id text,
        status text not null,
        ip_address text,
        user_agent text,
        details jsonb not null,
        created_at timestamptz not null
      )`);
    await q.query(
      `create index audit_logs_organization_idx on audit_logs (organization_id, created_at desc, id)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'audit_logs',
      'signing_keys',
      'credentials',
      'refresh_tokens',
      'sessions',
      'api_keys',
      'invites',
      'roles',
      'members',
      'organizations',
      'users',
    ]) {
      await q.query(`drop table ${table}`);
    }
  }
}
