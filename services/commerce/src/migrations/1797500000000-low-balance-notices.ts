import { callFunctionsSql } from '../proxy/call-functions.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * `low_balance_threshold` notices (proxy/call-functions.ts): proxy_hold_place and proxy_hold_settle
 * take the publisher's threshold (and the settle its notice's stream and event) and answer the
 * balance after a capture, so the functions of 1797400000000 are dropped by their old signatures
 * (create or replace would add overloads beside them) and made again as the code defines them; and
 * `proxy_low_balance_notices`, one row per organization, publisher and asset while the wallet is
 * below the publisher's threshold and noticed (deleted when a call finds it at or above again).
 * On a fresh database 1797400000000 already made the new functions (it runs the code's
 * callFunctionsSql too): the drops find nothing there.
 */
export class LowBalanceNotices1797500000000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      create table proxy_low_balance_notices (
        organization_id text not null,
        publisher_id text not null,
        asset text not null,
        call_id text not null,
        balance bigint not null,
        threshold bigint not null,
        noticed_at timestamptz not null,
        primary key (organization_id, publisher_id, asset)
      )`);
    await runner.query(`drop function if exists proxy_hold_place(
      text, uuid, text, text, text, bigint, bigint, timestamptz, jsonb, jsonb, timestamptz, text[], text)`);
    await runner.query(`drop function if exists proxy_hold_settle(
      text, int, jsonb, text, text, bigint, uuid, jsonb, timestamptz, text[], text)`);
    for (const statement of callFunctionsSql()) await runner.query(statement);
  }

  /** Limit: the functions stay as the code defines them (the earlier bodies are not kept). */
  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table proxy_low_balance_notices`);
  }
}
