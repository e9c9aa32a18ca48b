// Publisher charges benchmark (bench/README.md, "Publisher charges"): one run on this machine.
//
//   charge  32 clients at once, each calling commerce's createCharge (what the GraphQL mutation and
//           the REST row call) in a loop, every charge with an idempotency key of its own: ONE call of
//           charge_create in autocommit (charges/charge-function.ts): the key's advisory lock and
//           stored result, the publisher and wallet reads, the agent's balance rows locked, the split,
//           ChargeCreated appended (the event store's statement) with its charges row, one
//           double-entry journal entry (ledger_post) moving the agent's and the publisher's balances,
//           the key's result, commit.
//   bare    the same 32 clients each running a bare single-row `UPDATE balance` (autocommit): the
//           floor for "a charge" on this database, for the ratio.
// Agents: 256 funded wallets, picked at random; publishers: 4 (every charge credits one of their
// earnings rows, the hot rows). Latencies per call; throughput = calls / seconds of the round.
// Everything in this process on the infra servers (PostgreSQL; commerce started once to migrate a
// fresh database). Run: npm run bench --workspace @seren/commerce (builds first). BENCH_SECONDS (5), BENCH_ROUNDS (3),
// BENCH_CLIENTS (32), BENCH_POOL (clients + 2).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { startCommerceService } from '@seren/commerce';
import { registerPublisher, createCharge } from '@seren/commerce/dist/charges/service.js';
import { accounts, agentWallet, postEntry } from '@seren/commerce/dist/ledger/index.js';
import { commerceProjections } from '@seren/commerce/dist/projections.js';
import { EventStore } from '@seren/event-store';
import { openDatabase } from '@seren/service-kit';
import { testServiceEnv } from '@seren/testing';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// rounds of each scenario, interleaved (the multi-process row runs once)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 32);
const AGENTS = 256;
const PUBLISHERS = Number(process.env.BENCH_PUBLISHERS ?? 4);
// connections of the pool (per process): 34 by default, a connection per client (BENCH_POOL to try fewer)
const POOL = Number(process.env.BENCH_POOL ?? CLIENTS + 2);

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

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Round {
  name: string;
  perSecond: number;
  p50: number;
  p99: number;
  calls: number;
  errors: number;
}

async function round(name: string, call: () => Promise<unknown>): Promise<Round> {
  const latencies: number[] = [];
  let errors = 0;
  // warm-up: a second of the same work, not counted
  const warmUntil = Date.now() + 1_000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < warmUntil) await call();
    }),
  );
  const started = performance.now();
  const until = Date.now() + SECONDS * 1_000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (Date.now() < until) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch (error) {
          errors += 1;
          if (errors < 5) console.error(`[bench] ${name}: ${(error as Error).message}`);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    name,
    perSecond: Math.round(latencies.length / seconds),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    calls: latencies.length,
    errors,
  };
  console.error(`[bench] ${JSON.stringify(result)}`);
  return result;
}

const PROCESSES = Number(process.env.BENCH_PROCESSES ?? 4);

/** The charge call over a context of its own (a commerce instance's application layer and pool). */
async function chargeCaller(
  settings: {
    databaseUrl: string;
    database: string;
    agents: string[];
    publishers: { slug: string; organizationId: string }[];
  },
  clients: number,
) {
  const dataSource = await openDatabase({
    serverUrl: settings.databaseUrl,
    database: settings.database,
    poolSize: Math.min(POOL, clients + 2),
  });
  const commerce = {
    dataSource,
    store: new EventStore({ dataSource, projections: commerceProjections }),
    now: () => new Date(),
  } as never;
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  const call = () => {
    const publisher = pick(settings.publishers);
    return createCharge(commerce, caller(publisher.organizationId), {
      slug: publisher.slug,
      agentWallet: agentWallet(pick(settings.agents)),
      amountAtomic: 1_000n,
      description: 'bench',
      idempotencyKey: randomUUID(),
    });
  };
  return { call, dataSource, commerce };
}

// a client process of the multi-process scenario: its share of the clients, then its latencies on stdout
if (process.env.BENCH_CHILD) {
  const settings = JSON.parse(process.env.BENCH_CHILD);
  const { call, dataSource } = await chargeCaller(settings, settings.clients);
  const latencies: number[] = [];
  let errors = 0;
  const warmUntil = Date.now() + 1_000;
  await Promise.all(
    Array.from({ length: settings.clients }, async () => {
      while (Date.now() < warmUntil) await call();
    }),
  );
  // all client processes start measuring together, when the parent says so
  console.log('WARM');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const until = Date.now() + SECONDS * 1_000;
  await Promise.all(
    Array.from({ length: settings.clients }, async () => {
      while (Date.now() < until) {
        const t = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  console.log(`RESULT ${JSON.stringify({ latencies, errors })}`);
  await dataSource.destroy();
  process.exit(0);
}

/** The same charges from PROCESSES client processes (commerce scaled out), CLIENTS in all. */
async function multiProcessRound(settings: object) {
  const procs: ReturnType<typeof spawn>[] = [];
  let warm = 0;
  const results = Promise.all(
    Array.from({ length: PROCESSES }, (_, i) => {
      const clients = Math.floor(CLIENTS / PROCESSES) + (i < CLIENTS % PROCESSES ? 1 : 0);
      const proc = spawn(process.execPath, [import.meta.filename], {
        env: { ...process.env, BENCH_CHILD: JSON.stringify({ ...settings, clients }) },
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      procs.push(proc);
      return new Promise<{ latencies: number[]; errors: number }>((resolve, reject) => {
        let out = '';
        proc.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (/^WARM$/m.test(chunk.toString()) && ++warm === PROCESSES)
            for (const p of procs) p.stdin!.write('go\n');
        });
        proc.once('exit', (code) => {
          const line = out.split('\n').find((l) => l.startsWith('RESULT '));
          if (line) resolve(JSON.parse(line.slice('RESULT '.length)));
          else reject(new Error(`client process exited with ${code} without a result`));
        });
      });
    }),
  );
  const latencies = (await results).flatMap((r) => r.latencies).sort((a, b) => a - b);
  const result = {
    name: `charge, ${PROCESSES} processes`,
    perSecond: Math.round(latencies.length / SECONDS),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    calls: latencies.length,
    errors: (await results).reduce((sum, r) => sum + r.errors, 0),
  };
  console.error(`[bench] ${JSON.stringify(result)}`);
  return result;
}

const env = { ...testServiceEnv('commerce', { embedded: true }), LOG_LEVEL: 'error' };
const service = await startCommerceService(env);
const dataSource = await openDatabase({
  serverUrl: env.DATABASE_URL!,
  database: env.COMMERCE_DATABASE!,
  poolSize: POOL,
});
const commerce = {
  dataSource,
  store: new EventStore({ dataSource, projections: commerceProjections }),
  now: () => new Date(),
  // no proxy here: registerPublisher has no cached publisher to drop
  proxy: { publishers: { forget: () => undefined } },
} as never;
const load = [loadavg()[0]!];
try {
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
  const publishers = [];
  for (let i = 0; i < PUBLISHERS; i += 1) {
    const organizationId = randomUUID();
    const slug = `bench-${i}-${randomUUID().slice(0, 6)}`;
    await registerPublisher(commerce, caller(organizationId), { slug, name: `Bench ${i}` });
    publishers.push({ slug, organizationId });
  }
  await dataSource.query(`create table bench_balances (id int primary key, balance bigint not null)`);
  await dataSource.query(
    `insert into bench_balances select g, 1000000000000000 from generate_series(0, ${AGENTS - 1}) g`,
  );

  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!;
  // The machine is shared: its load moves within a run, so bare, keyed and unkeyed rounds alternate
  // (ROUNDS of each) and each round's charge is compared with the bare round just before it.
  const bareCall = () =>
    dataSource.query(`update bench_balances set balance = balance - $1 where id = $2 and balance >= $1`, [
      1_000,
      Math.floor(Math.random() * AGENTS),
    ]);
  const chargeCall = (keyed: boolean) => () => {
    const publisher = pick(publishers);
    return createCharge(commerce, caller(publisher.organizationId), {
      slug: publisher.slug,
      agentWallet: agentWallet(pick(agents)),
      amountAtomic: 1_000n,
      description: 'bench',
      ...(keyed ? { idempotencyKey: randomUUID() } : {}),
    });
  };
  const rounds: { bare: Round; charge: Round; unkeyed: Round }[] = [];
  for (let i = 0; i < ROUNDS; i += 1) {
    const bareRound = await round('bare', bareCall);
    const chargeRound = await round('charge', chargeCall(true));
    const unkeyedRound = await round('charge without key', chargeCall(false));
    rounds.push({ bare: bareRound, charge: chargeRound, unkeyed: unkeyedRound });
    load.push(loadavg()[0]!);
  }
  const spread =
    PROCESSES > 1
      ? await multiProcessRound({
          databaseUrl: env.DATABASE_URL!,
          database: env.COMMERCE_DATABASE!,
          agents,
          publishers,
        })
      : undefined;
  load.push(loadavg()[0]!);
  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
  const summary = (pickRound: (r: (typeof rounds)[number]) => Round): Round => ({
    name: pickRound(rounds[0]!).name,
    perSecond: median(rounds.map((r) => pickRound(r).perSecond)),
    p50: median(rounds.map((r) => pickRound(r).p50)),
    p99: median(rounds.map((r) => pickRound(r).p99)),
    calls: rounds.reduce((sum, r) => sum + pickRound(r).calls, 0),
    errors: rounds.reduce((sum, r) => sum + pickRound(r).errors, 0),
  });
  const bare = summary((r) => r.bare);
  const charge = summary((r) => r.charge);
  const unkeyed = summary((r) => r.unkeyed);
  const ratios = rounds.map((r) => r.charge.perSecond / r.bare.perSecond);

  // every charge counted is in the journal once, and the journal balances
  const [check] = await dataSource.query(`select
      (select count(*) from charges)::int as charges,
      (select count(*) from ledger_entries where kind = 'charge')::int as entries,
      (select count(*) from idempotency_keys)::int as keys,
      (select count(*) from charges where idempotency_key is not null)::int as keyed,
      (select coalesce(sum(amount), 0)::text from ledger_lines) as sum`);
  if (check.charges !== check.entries || check.keyed !== check.keys || check.sum !== '0')
    throw new Error(`inconsistent after the run: ${JSON.stringify(check)}`);

  const ms = (value: number) => value.toFixed(1);
  const table = [
    `<!-- commerce-charges-bench:start -->`,
    `## Publisher charges (commerce)`,
    ``,
    `One run, ${new Date().toISOString().slice(0, 10)}, on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), Node ${process.version},`,
    `PostgreSQL on the infra server (fsync and synchronous_commit on); load average ${load.map((l) => l.toFixed(1)).join(' → ')} over the run (other work`,
    `shared the two cores). ${CLIENTS} clients at once in one process; ${ROUNDS} interleaved rounds (bare, keyed, unkeyed) of ${SECONDS} s each after 1 s of warm-up, medians over the rounds; ${AGENTS} funded agents picked at`,
    `random, 4 publishers. "charge" is commerce's createCharge (what GraphQL and REST call), one call of \`charge_create\` in`,
    `autocommit: a fresh idempotency key (advisory lock, stored result), publisher and wallet reads, the agent's balance rows locked,`,
    `ChargeCreated appended (the event store's own statement) with its charges row, one double-entry journal entry moving both`,
    `balances, the key's result: one round trip, one commit. "bare" is a single-row \`UPDATE balance\` in autocommit on`,
    `the same server. Checked after the run: one journal entry and one stored key per charge, the journal summing to zero.`,
    `Reproduce: \`npm run bench --workspace @seren/commerce\` (BENCH_SECONDS, BENCH_ROUNDS, BENCH_CLIENTS, BENCH_PROCESSES: client processes of the scaled-out row, 4; BENCH_POOL: connections per process, a client each by default).`,
    ``,
    `| scenario | calls/s | p50 ms | p99 ms | calls | errors |`,
    `| --- | ---: | ---: | ---: | ---: | ---: |`,
    `| charge with idempotency key and double entry | ${charge.perSecond} | ${ms(charge.p50)} | ${ms(charge.p99)} | ${charge.calls} | ${charge.errors} |`,
    `| the same charge without an idempotency key | ${unkeyed.perSecond} | ${ms(unkeyed.p50)} | ${ms(unkeyed.p99)} | ${unkeyed.calls} | ${unkeyed.errors} |`,
    ...(spread
      ? [
          `| the same charge from ${PROCESSES} client processes (${CLIENTS} clients in all; commerce scaled out) | ${spread.perSecond} | ${ms(spread.p50)} | ${ms(spread.p99)} | ${spread.calls} | ${spread.errors} |`,
        ]
      : []),
    `| bare single-row UPDATE balance | ${bare.perSecond} | ${ms(bare.p50)} | ${ms(bare.p99)} | ${bare.calls} | ${bare.errors} |`,
    ``,
    `| comparison | figure | goal |`,
    `| --- | --- | --- |`,
    `| charges/s, ${CLIENTS} clients | ${charge.perSecond}${spread ? ` (one process), ${spread.perSecond} (${PROCESSES} processes)` : ''} | ≥ 2,000 |`,
    `| charge vs bare UPDATE (each round against the bare round just before it) | throughput ${median(ratios).toFixed(2)}x median (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}), p99 ${(charge.p99 / bare.p99).toFixed(1)}x | reported |`,
    `| bare UPDATE/s per round | ${rounds.map((r) => r.bare.perSecond).join(', ')} | |`,
    `| charges/s per round | ${rounds.map((r) => r.charge.perSecond).join(', ')} | |`,
    `<!-- commerce-charges-bench:end -->`,
  ].join('\n');
  console.log(table);
  if (process.env.BENCH_WRITE !== 'false') {
    const readme = join(import.meta.dirname, '..', 'README.md');
    const text = readFileSync(readme, 'utf8');
    const pattern = /<!-- commerce-charges-bench:start -->[\s\S]*<!-- commerce-charges-bench:end -->/;
    writeFileSync(
      readme,
      pattern.test(text) ? text.replace(pattern, table) : `${text.trimEnd()}\n\n${table}\n`,
    );
  }
} finally {
  await dataSource.destroy();
  await service.close();
}
