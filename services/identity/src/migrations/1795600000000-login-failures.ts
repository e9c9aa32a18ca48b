import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Consecutive failed logins per (address, client IP), for the login backoff (auth/throttle.ts).
 * Keyed by the SHA-256 of the normalized address, known or not, so a backoff is no way to tell
 * whether an account exists. Not derived from events: it is a control, reset by a success.
 */
export class LoginFailures1795600000000 implements MigrationInterface {
  name = 'LoginFailures1795600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      create table login_failures (
        email_hash text not null,
        ip text not null,
        failures integer not null,
        locked_until timestamptz,
        last_failed_at timestamptz not null,
        primary key (email_hash, ip)
      )`);
    await q.query(`create index login_failures_age on login_failures (last_failed_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table login_failures`);
  }
}
