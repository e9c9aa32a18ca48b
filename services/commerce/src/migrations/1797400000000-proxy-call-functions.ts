import { callFunctionsSql } from '../proxy/call-functions.js';
import { PUBLISHER_USAGE_GROUP } from '../publishers/analytics.js';

// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * The proxy's hot path in two statements (proxy/call-functions.ts): proxy_hold_place and
 * proxy_hold_settle. And the publisher analytics move from an inline projection to a consumer of
 * PublisherCallCompleted (publishers/analytics.ts): the usage events already in the table were
 * projected inline, so they are marked processed for the consumer's group, which would otherwise
 * read them again from the topic's beginning and count them twice. And `proxy_free_calls`, the
 * counter of `free_queries_per_day`.
 */
export class ProxyCallFunctions1797400000000 {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of callFunctionsSql()) await runner.query(statement);
    await runner.query(
      `insert into processed_events (group_id, event_id)
       select $1, event_id from events where type = 'PublisherCallCompleted'
       on conflict do nothing`,
      [PUBLISHER_USAGE_GROUP],
    );
    // free_queries_per_day: each agent's free calls to a publisher per UTC day (proxy/limits.ts)
    await runner.query(`
      create table proxy_free_calls (
        publisher_id text not null,
        agent text not null,
        day date not null,
        calls integer not null,
        primary key (publisher_id, agent, day)
      )`);
    await runner.query(`create index proxy_free_calls_day on proxy_free_calls (day)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`drop table proxy_free_calls`);
    await runner.query(`drop function proxy_hold_settle, proxy_hold_place`);
  }
}
