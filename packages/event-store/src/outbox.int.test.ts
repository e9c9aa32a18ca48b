import { Client } from 'pg';
import { ORIGIN, readCommitted } from './outbox.js';
import { createTestDatabase, type TestDatabase } from './test-support/database.js';

let db: TestDatabase;
let client: Client;

beforeAll(async () => {
  db = await createTestDatabase('es_outbox');
  client = new Client({ connectionString: db.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

async function insert(transactionId: string, position: number) {
  await client.query(
    `insert into events (position, stream_id, stream_version, transaction_id, event_id, type, schema_version, data)
     overriding system value values ($1::bigint, 's-' || $1::bigint, 1, $2::xid8, gen_random_uuid(), 'Made', 1, '{}')`,
    [position, transactionId],
  );
}

describe('reading the outbox in commit order', () => {
  it('orders by transaction id as a number, then position, and resumes after a checkpoint', async () => {
    // Past transaction ids, all below the horizon; 999 < 1000 although "999" > "1000" as text.
    await insert('1000', 1);
    await insert('999', 2);
    await insert('1000', 3);
    await insert('12', 4);
    const all = await readCommitted(client, ORIGIN, 10);
    expect(all.map((e) => [e.transactionId, e.position])).toEqual([
      ['12', 4],
      ['999', 2],
      ['1000', 1],
      ['1000', 3],
    ]);
    const rest = await readCommitted(client, { transactionId: '999', position: 2 }, 10);
    expect(rest.map((e) => e.position)).toEqual([1, 3]);
    expect((await readCommitted(client, ORIGIN, 2)).map((e) => e.position)).toEqual([4, 2]);
  });

  it('does not read events of transactions at or above the oldest one still running', async () => {
    // A transaction id the server has not reached yet stands for one that is still running.
    const { rows } = await client.query(
      `select (pg_snapshot_xmin(pg_current_snapshot())::text::bigint + 1000)::text as ahead`,
    );
    await insert(rows[0].ahead, 10);
    expect((await readCommitted(client, ORIGIN, 10)).map((e) => e.position)).not.toContain(10);
  });
});
