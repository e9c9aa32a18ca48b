import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../test-support/database.js';
import { testLogger } from '../test-support/quiet.js';
import { ProcessedEventsPruner } from './retention.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('es_retention');
});
afterAll(() => db?.drop());

const DAY = 86_400_000;
const now = new Date('2026-11-22T12:00:00Z');

async function processed(groupId: string, ageMs: number, count: number): Promise<void> {
  await db.dataSource.query(
    `insert into processed_events (group_id, event_id, processed_at)
     select $1, gen_random_uuid(), $2 from generate_series(1, $3)`,
    [groupId, new Date(now.getTime() - ageMs), count],
  );
}

const countOf = async (groupId: string) =>
  Number(
    (await db.dataSource.query(`select count(*) from processed_events where group_id = $1`, [groupId]))[0]
      .count,
  );

describe('pruning processed events', () => {
  it("deletes only its own group's rows older than the retention, in batches", async () => {
    const group = `g-${randomUUID()}`;
    const other = `g-${randomUUID()}`;
    await processed(group, 8 * DAY, 12_000); // more than two delete batches
    await processed(group, 6 * DAY, 30);
    await processed(other, 30 * DAY, 5);
    const pruner = new ProcessedEventsPruner(group, db.dataSource, testLogger);
    expect(pruner.retentionMs).toBe(7 * DAY);

    expect(await pruner.prune(now)).toBe(12_000);
    expect(await countOf(group)).toBe(30);
    expect(await countOf(other)).toBe(5);
    expect(await pruner.prune(now)).toBe(0);
  });

  it('follows a configured retention', async () => {
    const group = `g-${randomUUID()}`;
    await processed(group, 2 * 3_600_000, 3);
    await processed(group, 10 * 60_000, 2);
    const pruner = new ProcessedEventsPruner(group, db.dataSource, testLogger, {
      processedEventsMs: 3_600_000,
    });
    expect(await pruner.prune(now)).toBe(3);
    expect(await countOf(group)).toBe(2);
  });
});
