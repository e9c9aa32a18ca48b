// Runs the event-store benchmarks and prints markdown tables for bench/README.md.
// `npm run bench --workspace @seren/event-store` (needs `npm run infra:up`).
// BENCH_SECONDS (default 5) sets each measurement's length (latency runs last at least 10 s),
// BENCH_BACKLOG (default 50000) the drain size, BENCH_ONLY=append|latency|drain one part.
import { cpus, loadavg, totalmem } from 'node:os';
import { appendBenchmark } from './append.js';
import { drainBenchmark, latencyBenchmark } from './pipeline.js';

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const backlog = Number(process.env.BENCH_BACKLOG ?? 50_000);
  const only = process.env.BENCH_ONLY;
  console.log(
    `## @seren/event-store, ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n`,
  );
  // The machine is shared with PostgreSQL, Kafka and whatever else runs: say how busy it was.
  console.log(
    `Load average at start: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  );
  if (!only || only === 'append') await appendBenchmark(seconds);
  if (!only || only === 'latency') await latencyBenchmark(Math.max(seconds, 10));
  if (!only || only === 'drain') await drainBenchmark(backlog);
  console.log(
    `Load average at end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(', ')}\n`,
  );
  // kafkajs and pg leave sockets that would keep the process alive for a while.
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
