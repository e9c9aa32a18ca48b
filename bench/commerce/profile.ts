// Where a charge's time goes (bench/README.md, "Publisher charges", profiling), not the bench itself:
// a fresh database migrated directly (no service, no Temporal), seeded like the bench (256 agents,
// BENCH_PUBLISHERS publishers, 4), then
//   PROFILE_CPU=n   n bare UPDATEs, then n charges, one at a time: PostgreSQL's CPU per call (its
//                   backends' /proc ticks), this process's, and the wall time;
//   PROFILE_WAL=n   n charges from BENCH_CLIENTS clients, then the WAL they wrote by relation
//                   (pg_walinspect): records, bytes and full-page images per charge;
//   PROFILE_SCENARIOS (bare,charge; empty for none)  BENCH_CLIENTS (32) clients for BENCH_SECONDS (5)
//                   each, sampling pg_stat_activity's wait events and the tuple locks held.
// PROFILE_DB reuses a database. Run from services/commerce after `npx tsc -b`:
//   PROFILE_WAL=5000 PROFILE_SCENARIOS= npx node ../../bench/commerce/profile.ts
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { createCharge, registerPublisher } from '@seren/commerce/dist/charges/service.js';
import { accounts, agentWallet, postEntry } from '@seren/commerce/dist/ledger/index.js';
import { commerceMigrations } from '@seren/commerce/dist/migrations/index.js';
import { commerceProjections } from '@seren/commerce/dist/projections.js';
import { EventStore, eventStoreMigrations } from '@seren/event-store';
import { openDatabase } from '@seren/service-kit';
import { testServiceEnv } from '@seren/testing';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const AGENTS = 256;
const database = process.env.PROFILE_DB ?? `profile_charges_${randomUUID().slice(0, 8)}`;
const dataSource = await openDatabase({
  serverUrl: testServiceEnv('commerce').DATABASE_URL!,
  database,
  migrations: [...eventStoreMigrations, ...commerceMigrations] as never,
  poolSize: CLIENTS + 4,
});
const commerce = {
  dataSource,
  store: new EventStore({ dataSource, projections: commerceProjections }),
  now: () => new Date(),
  // no proxy here: registerPublisher has no cached publisher to drop
  proxy: { publishers: { forget: () => undefined } },
} as never;
const caller = (organizationId: string) => ({
  caller: {
    kind: 'user' as const,
    subject: `bench-${organizationId}`,
    organizationId,
    scopes: [],
    permissions: ['publisher.manage'],
    via: 'api_key',
  },
  requestId: randomUUID(),
});
const agents = Array.from({ length: AGENTS }, () => randomUUID());
for (const organizationId of agents)
  await dataSource.transaction((tx) =>
    postEntry(tx, {
      kind: 'deposit_x402',
      reference: `seed-${organizationId}`,
      organizationId,
      lines: [
        { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: 10n ** 15n },
        { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -(10n ** 15n) },
      ],
    }),
  );
const publishers: { slug: string; organizationId: string }[] = [];
for (let i = 0; i < Number(process.env.BENCH_PUBLISHERS ?? 4); i += 1) {
  const organizationId = randomUUID();
  const slug = `bench-${i}-${randomUUID().slice(0, 6)}`;
  await registerPublisher(commerce, caller(organizationId), { slug, name: `Bench ${i}` });
  publishers.push({ slug, organizationId });
}
await dataSource.query(
  `create table if not exists bench_balances (id int primary key, balance bigint not null)`,
);
await dataSource.query(
  `insert into bench_balances select g, 1000000000000000 from generate_series(0, ${AGENTS - 1}) g on conflict do nothing`,
);
const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
const calls: Record<string, () => Promise<unknown>> = {
  bare: () =>
    dataSource.query(`update bench_balances set balance = balance - $1 where id = $2 and balance >= $1`, [
      1000,
      Math.floor(Math.random() * AGENTS),
    ]),
  charge: () => {
    const publisher = pick(publishers);
    return createCharge(commerce, caller(publisher.organizationId), {
      slug: publisher.slug,
      agentWallet: agentWallet(pick(agents)),
      amountAtomic: 1_000n,
      description: 'bench',
      idempotencyKey: randomUUID(),
    });
  },
};
if (process.env.PROFILE_CPU) {
  const { readFileSync } = await import('node:fs');
  const cpu = async () => {
    const pids: { pid: number }[] = await dataSource.query(
      `select pid from pg_stat_activity where datname = current_database()`,
    );
    let ticks = 0;
    for (const { pid } of pids) {
      try {
        const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        ticks += Number(f[11]) + Number(f[12]);
      } catch {
        /* gone */
      }
    }
    return ticks;
  };
  const n = Number(process.env.PROFILE_CPU);
  for (const name of ['bare', 'charge']) {
    for (let i = 0; i < 200; i += 1) await calls[name]!();
    const before = await cpu();
    const node0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1) await calls[name]!();
    const wall = performance.now() - t0;
    const node = process.cpuUsage(node0);
    const after = await cpu();
    console.log(
      `${name}: postgres cpu ${((((after - before) * 10) / n) * 1000).toFixed(0)} us/call, node cpu ${((node.user + node.system) / n).toFixed(0)} us/call, wall ${((wall / n) * 1000).toFixed(0)} us/call (one client), load ${loadavg()[0]!.toFixed(1)}`,
    );
  }
}
if (process.env.PROFILE_WAL) {
  await dataSource.query('create extension if not exists pg_walinspect');
  await dataSource.query('checkpoint');
  const [{ lsn: start }] = await dataSource.query('select pg_current_wal_lsn()::text as lsn');
  const n = Number(process.env.PROFILE_WAL);
  let left = n;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (left-- > 0) await calls.charge!();
    }),
  );
  const [{ lsn: end }] = await dataSource.query('select pg_current_wal_lsn()::text as lsn');
  const [{ oid }] = await dataSource.query('select oid from pg_database where datname = current_database()');
  const rows = await dataSource.query(
    `with r as (select * from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)
                where block_ref like '%/' || $3 || '/%' or (resource_manager = 'Transaction'))
     select coalesce(substring(block_ref from '/' || $3 || '/([0-9]+)'), resource_manager) as rel,
            count(*)::int as records, sum(record_length)::int as bytes, sum(fpi_length)::int as fpi
     from r group by 1 order by 3 desc`,
    [start, end, String(oid)],
  );
  const names = new Map(
    (
      await dataSource.query(
        `select pg_relation_filenode(c.oid)::text as f, c.relname from pg_class c where pg_relation_filenode(c.oid) is not null`,
      )
    ).map((r: { f: string; relname: string }) => [r.f, r.relname]),
  );
  let total = 0;
  let fpi = 0;
  for (const r of rows) {
    total += r.bytes;
    fpi += r.fpi;
    console.log(
      `${(names.get(r.rel) ?? r.rel).padEnd(40)} records/charge ${(r.records / n).toFixed(2)} bytes/charge ${(r.bytes / n).toFixed(0)} fpi/charge ${(r.fpi / n).toFixed(0)}`,
    );
  }
  console.log(`total bytes/charge ${(total / n).toFixed(0)} of which fpi ${(fpi / n).toFixed(0)}`);
}
for (const name of (process.env.PROFILE_SCENARIOS ?? 'bare,charge').split(',').filter(Boolean)) {
  const call = calls[name]!;
  const waits = new Map<string, number>();
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const rows: { w: string; n: number }[] = await dataSource.query(
        `select coalesce(wait_event_type || ':' || wait_event, state) as w, count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle' group by 1`,
      );
      for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
      const tuples: { w: string; n: number }[] = await dataSource.query(
        `select 'tuple:' || relation::regclass::text as w, count(*)::int as n from pg_locks where locktype = 'tuple' and database = (select oid from pg_database where datname = current_database()) group by 1`,
      );
      for (const r of tuples) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
      samples += 1;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  let count = 0;
  const started = performance.now();
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        await call();
        count += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  console.log(`${name}: ${Math.round(count / seconds)}/s load ${loadavg()[0]!.toFixed(1)}`);
  console.log(
    '  waits (avg sessions):',
    [...waits]
      .sort((a, b) => b[1] - a[1])
      .map(([w, n]) => `${w}=${(n / samples).toFixed(1)}`)
      .join(' '),
  );
}
console.log(`database ${database}`);
await dataSource.destroy();
