import type { PoolClient } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner.js';

/**
 * Runs a statement of the ledger's hot path (a charge's claim, context read, posting) as a named
 * prepared statement on the transaction's own pg connection, like the event store's append:
 * PostgreSQL parses and plans it once per connection, and the call skips typeorm's query wrapper.
 * Outside a transaction it is an ordinary query. Errors are pg's own (`code`, `message`).
 */
export async function preparedQuery<R>(
  tx: EntityManager,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const runner = tx.queryRunner as PostgresQueryRunner | undefined;
  if (!runner || runner.isReleased || !runner.isTransactionActive) return tx.query(text, values);
  const client = (await runner.connect()) as PoolClient;
  return (await client.query<R & object>({ name, text, values })).rows as R[];
}
