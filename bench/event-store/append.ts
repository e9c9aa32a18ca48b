// Append throughput: events/s into one stream and across 1,000 streams, one event and batches of
// 10 per append. Every append is its own transaction (autocommit, one statement), on a fresh
// database of the infra PostgreSQL (fsync and synchronous_commit on).
import { EventStore } from '@seren/event-store';
import { createTestDatabase } from '../../packages/event-store/src/test-support/database.js';
import { fmt, summary, table } from './stats.js';

interface Case {
  streams: number;
  batch: number;
  writers: number;
}

const CASES: Case[] = [
  { streams: 1, batch: 1, writers: 1 },
  { streams: 1, batch: 10, writers: 1 },
  { streams: 1, batch: 1, writers: 8 },
  { streams: 1, batch: 10, writers: 8 },
  { streams: 1_000, batch: 1, writers: 1 },
  { streams: 1_000, batch: 10, writers: 1 },
  { streams: 1_000, batch: 1, writers: 16 },
  { streams: 1_000, batch: 10, writers: 16 },
];

export async function appendBenchmark(seconds: number): Promise<void> {
  const rows: string[][] = [];
  for (const c of CASES) {
    const db = await createTestDatabase('es_bench_append', c.writers + 4);
    try {
      const store = new EventStore({ dataSource: db.dataSource });
      const payload = {
        contactId: 'c-0000000001',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        tags: ['vip', 'newsletter'],
      };
      // Warm-up: connections, plans, caches.
      for (let i = 0; i < 200; i++)
        await store.append(`warm-${i % 10}`, 'contact', [{ type: 'ContactUpdated', data: payload }]);

      const latencies: number[] = [];
      let events = 0;
      let n = 0;
      const deadline = performance.now() + seconds * 1_000;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: c.writers }, async () => {
          while (performance.now() < deadline) {
            const stream = `contact-${n++ % c.streams}`;
            const batch = Array.from({ length: c.batch }, () => ({ type: 'ContactUpdated', data: payload }));
            const t0 = performance.now();
            await store.append(stream, 'contact', batch);
            latencies.push(performance.now() - t0);
            events += c.batch;
          }
        }),
      );
      const elapsed = (performance.now() - started) / 1_000;
      const s = summary(latencies);
      rows.push([
        fmt(c.streams),
        String(c.batch),
        String(c.writers),
        fmt(events / elapsed),
        fmt(latencies.length / elapsed),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
      ]);
      console.error(`[bench] append ${JSON.stringify(c)}: ${fmt(events / elapsed)} events/s`);
    } finally {
      await db.drop();
    }
  }
  console.log(`### Append throughput (${seconds} s per case)\n`);
  table(
    [
      'streams',
      'events per append',
      'concurrent writers',
      'events/s',
      'appends/s',
      'append p50 ms',
      'append p99 ms',
    ],
    rows,
  );
}
