// crm contacts benchmark (bench/README.md, "crm: contacts at a million"): one location holding
// BENCH_CONTACTS (default 1,000,000) contacts; five operations through the gateway (Serebro v1 REST,
// the location's API key, the rate limiter on with its limits raised out of the way) against the same
// SQL run directly with pg on the same database:
//
//   list     GET /contacts?limit=20&startAfter&startAfterId at a random cursor (a keyset page) + the
//            location's counter (meta.total)             | the page query and the counter query
//   email    GET /contacts?query=<an email's first 12 characters> (trigram search) + its count
//   name     GET /contacts?query=<a last name> (about 1 in 1,000 contacts match) + its count
//   get      GET /contacts/{id}                         | the row by id and location
//   create   POST /contacts (unique email and phone): the whole write path (custom fields read,
//            duplicate checks, stream read, event append, projection insert, counter; then the read
//            back)                                       | the same statements (traced at the service's
//            pg client), the append, insert and counter in one transaction
//
// Each run is closed-loop: BENCH_CLIENTS clients (default 1: latency) and BENCH_LOAD_CLIENTS (default 8:
// throughput) for BENCH_SECONDS (default 8) each, after a BENCH_WARMUP (default 2) s warm-up. The read model is seeded by SQL
// (rows and the location's counter, no events: replaying a million ContactCreated through the event
// store would take the run's time and measure nothing read here); the secondary indexes are built after
// the rows, then ANALYZE. Processes: identity + crm in one child (services.ts), the gateway in its own
// (gateway.ts), the clients and pg here; each run also reports each process's CPU time per request
// (and the PostgreSQL backends' of the bench's databases). BENCH_ONLY=<words> runs only the matching
// scenarios; BENCH_CPU_PROF=<dir> profiles the children over each gateway run at load (profile.ts
// summarises). Run: npm run bench --workspace @seren/crm (builds first).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { Agent, request } from 'undici';
import { TEST_INTERNAL_TOKEN_SECRET, infraEndpoints } from '@seren/testing';

const here = import.meta.dirname;
const CONTACTS = Number(process.env.BENCH_CONTACTS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 1);
const LOAD_CLIENTS = Number(process.env.BENCH_LOAD_CLIENTS ?? 8);
// seconds of warm-up per path and scenario: on a loaded machine 2 s is too few requests for the JIT
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const children: ChildProcess[] = [];

// BENCH_CPU_PROF=<dir>: the gateway and services children are CPU-profiled over each gateway run at
// load, into <dir>/<scenario>.<child>.cpuprofile (summarise with bench/crm/profile.ts)
const profileDir = process.env.BENCH_CPU_PROF;
// BENCH_ONLY=<words>: only the scenarios whose name contains one of them (comma-separated)
const only = process.env.BENCH_ONLY?.split(',').map((w) => w.trim()) ?? [];
const cpuWaiters = new Map<ChildProcess, (micros: number) => void>();
const profileWaiters = new Map<ChildProcess, () => void>();

function child(script: string, env: Record<string, string>): Promise<Record<string, string>> {
  const proc = spawn(process.execPath, [join(here, script)], {
    // NODE_ENV=production as the image runs them (Dockerfile): libraries take their production paths
    // (graphql-js's cross-realm instanceOf checks are development-only); the services' and the
    // gateway's own settings are given by the children (testServiceEnv, gateway.ts) as before
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(proc);
  proc.on('exit', (code, signal) => console.error(`[bench] ${script} exited (${code ?? signal})`));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in 120 s`)), 120_000);
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (line.startsWith('BENCH_PROFILED ')) {
        profileWaiters.get(proc)?.();
        return;
      }
      if (line.startsWith('BENCH_CPU ')) {
        cpuWaiters.get(proc)?.((JSON.parse(line.slice('BENCH_CPU '.length)) as { micros: number }).micros);
        return;
      }
      if (!line.startsWith('BENCH_READY ')) {
        if (process.env.BENCH_LOG_LEVEL) console.error(line);
        return;
      }
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('BENCH_READY '.length)));
    });
  });
}

// ---- the seed: 100 first and 1,000 last names of random letters (a fixed seed), so a last name
// matches about 1 in 1,000 contacts and their trigrams are as varied as real names' (names built
// from a few syllables share every trigram, and a substring search over them reads half the table)
let state = 20261202;
const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const word = (length: number) =>
  Array.from({ length }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 26)]).join('');
const firstNames = Array.from({ length: 100 }, () => word(5));
const lastNames = Array.from({ length: 1000 }, () => word(7));

async function seed(pool: pg.Pool, locationId: string) {
  const started = Date.now();
  const indexes = [
    'contacts_location_email_unique',
    'contacts_location_phone_unique',
    'contacts_location_email',
    'contacts_search',
    'contacts_tags',
  ];
  const definitions: { indexdef: string }[] = (
    await pool.query(`select indexdef from pg_indexes where tablename = 'contacts' and indexname = any($1)`, [
      indexes,
    ])
  ).rows;
  for (const name of indexes) await pool.query(`drop index if exists ${name}`);
  const chunk = 100_000;
  for (let from = 0; from < CONTACTS; from += chunk) {
    const to = Math.min(CONTACTS, from + chunk) - 1;
    // contact n: first name n % 100, last name (n / 100) % 1000, added one minute apart, newest last
    await pool.query(
      `insert into contacts (id, location_id, first_name, last_name, name, email, phone, dnd, tags, source,
         custom_fields, search, date_added, date_updated)
       select 'seed-' || n, $1, f, l, f || ' ' || l, f || '.' || l || n || '@example.com', '+1' || (2000000000 + n)::text,
         false, case when n % 10 = 0 then array['vip'] else array['lead'] end, 'seed', '[]',
         lower(f || ' ' || l || ' ' || f || ' ' || l || ' ' || f || '.' || l || n || '@example.com ' || '1' || (2000000000 + n)::text),
         t, t
       from (
         select n, ($2::text[])[1 + n % 100] as f, ($3::text[])[1 + (n / 100) % 1000] as l,
           timestamptz '2025-01-01' + make_interval(mins => n) as t
         from generate_series($4::int, $5::int) n
       ) s`,
      [locationId, firstNames, lastNames, from, to],
    );
    console.error(`[bench] seeded ${to + 1} contacts (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  await pool.query(
    `insert into contact_counts (location_id, total) values ($1, $2)
     on conflict (location_id) do update set total = contact_counts.total + $2`,
    [locationId, CONTACTS],
  );
  for (const { indexdef } of definitions) await pool.query(indexdef);
  await pool.query('analyze contacts');
  return (Date.now() - started) / 1000;
}

// ---- the SQL of src/contacts/queries.ts, as the service runs it --------------------------------
const SELECT = `select id, location_id, first_name, last_name, name, email, phone, company_name, address1,
  city, state, postal_code, country, website, timezone, dnd, tags, source, assigned_to, date_of_birth,
  custom_fields, date_added, date_updated from contacts`;
const PAGE = `${SELECT} where location_id = $1 and (date_added, id) < ($2::timestamptz, $3::text)
       order by date_added desc, id desc limit $4 offset $5`;
const TOTAL = `select total from contact_counts where location_id = $1`;
const SEARCH = `${SELECT} where location_id = $1 and search like $2 and true
       order by date_added desc, id desc limit $3 offset $4`;
const SEARCH_COUNT = `select count(*) as total from contacts where location_id = $1 and search like $2`;
const GET = `${SELECT} where id = $1 and location_id = $2`;
const like = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface Sample {
  id: string;
  email: string;
  lastName: string;
  at: Date;
}

interface Scenario {
  name: string;
  gateway: (i: number) => { method: string; path: string; body?: unknown };
  direct: (pool: pg.Pool, i: number) => Promise<unknown>;
}

function scenarios(locationId: string, samples: Sample[]): Scenario[] {
  const pick = (i: number) => samples[(i * 7919) % samples.length]!;
  let created = 0;
  const fresh = () => {
    created += 1;
    return {
      email: `bench.new.${process.pid}.${created}@example.com`,
      phone: `+1${3000000000 + process.pid * 10000 + created}`,
    };
  };
  return [
    {
      name: 'list: a page by cursor',
      gateway: (i) => {
        const s = pick(i);
        return {
          method: 'GET',
          path: `/contacts?limit=20&startAfter=${s.at.getTime()}&startAfterId=${s.id}`,
        };
      },
      direct: (pool, i) => {
        const s = pick(i);
        return Promise.all([
          pool.query(PAGE, [locationId, s.at, s.id, 21, 0]),
          pool.query(TOTAL, [locationId]),
        ]);
      },
    },
    {
      name: 'search: email prefix',
      gateway: (i) => ({
        method: 'GET',
        path: `/contacts?query=${encodeURIComponent(pick(i).email.slice(0, 12))}`,
      }),
      direct: (pool, i) => {
        const term = like(pick(i).email.slice(0, 12).toLowerCase());
        return Promise.all([
          pool.query(SEARCH, [locationId, term, 21, 0]),
          pool.query(SEARCH_COUNT, [locationId, term]),
        ]);
      },
    },
    {
      name: 'search: last name',
      gateway: (i) => ({ method: 'GET', path: `/contacts?query=${pick(i).lastName}` }),
      direct: (pool, i) => {
        const term = like(pick(i).lastName);
        return Promise.all([
          pool.query(SEARCH, [locationId, term, 21, 0]),
          pool.query(SEARCH_COUNT, [locationId, term]),
        ]);
      },
    },
    {
      name: 'get by id',
      gateway: (i) => ({ method: 'GET', path: `/contacts/${pick(i).id}` }),
      direct: (pool, i) => pool.query(GET, [pick(i).id, locationId]),
    },
    {
      name: 'create',
      gateway: () => ({
        method: 'POST',
        path: '/contacts',
        body: { firstName: 'Bench', lastName: 'New', ...fresh() },
      }),
      // The service's write path, statement for statement (as traced at the crm's pg client): the
      // location's custom fields, the duplicate checks by email and by phone, the stream read, then
      // one transaction appending the event (streams + events) with the projection's insert and the
      // counter, the relay's notify, and the read back. The relay publishing the event to Kafka
      // afterwards is the service's work too, but not a statement of this request: left out here.
      direct: async (pool) => {
        const { email, phone } = fresh();
        const id = randomUUID();
        const now = new Date();
        await pool.query(`select * from custom_fields where location_id = $1 order by position, name, id`, [
          locationId,
        ]);
        await pool.query(`${SELECT} where location_id = $1 and email = $2 and id <> $3`, [
          locationId,
          email,
          '',
        ]);
        await pool.query(`${SELECT} where location_id = $1 and phone = $2 and id <> $3`, [
          locationId,
          phone,
          '',
        ]);
        const stream = `contact-${id}`;
        await pool.query(
          `select position, stream_version, event_id, type, schema_version, data, metadata, recorded_at
           from events where stream_id = $1 order by stream_version`,
          [stream],
        );
        // the event as the service writes it (ContactCreated v1, its data and metadata), so the
        // relay and any consumer read these like the service's own
        const event = {
          i: randomUUID(),
          t: 'ContactCreated',
          v: 1,
          d: {
            contactId: id,
            locationId,
            firstName: 'Bench',
            lastName: 'New',
            name: 'Bench New',
            email,
            phone,
            companyName: null,
            address1: null,
            city: null,
            state: null,
            postalCode: null,
            country: null,
            website: null,
            timezone: null,
            dnd: false,
            tags: [],
            source: null,
            customFields: [],
            assignedTo: null,
            dateOfBirth: null,
            createdAt: now.toISOString(),
          },
          m: {
            actor: 'user:bench',
            ipAddress: '127.0.0.1',
            userAgent: 'bench',
            correlationId: randomUUID(),
            organizationId: locationId,
          },
        };
        const client = await pool.connect();
        try {
          await client.query('START TRANSACTION');
          await client.query(
            `with s as (insert into streams (id, type, version, last_transaction_id)
                 values ($1, $4::text, $2::bigint, pg_current_xact_id()) on conflict (id) do nothing returning version),
               e as (insert into events (stream_id, stream_version, event_id, type, schema_version, data, metadata)
                 select $1, s.version - $2::bigint + x.ord, (x.e->>'i')::uuid, x.e->>'t', (x.e->>'v')::int, x.e->'d', x.e->'m'
                 from s, jsonb_array_elements($3::jsonb) with ordinality as x(e, ord)
                 returning position, stream_version, recorded_at)
             select e.position, e.stream_version, e.recorded_at from e order by e.stream_version`,
            [stream, 1, JSON.stringify([event]), 'contact'],
          );
          await client.query(
            `insert into contacts (id, location_id, first_name, last_name, name, email, phone, company_name,
               address1, city, state, postal_code, country, website, timezone, dnd, tags, source, assigned_to,
               date_of_birth, custom_fields, search, date_added, date_updated)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
               $21, $22, $23, $23)`,
            [
              id,
              locationId,
              'Bench',
              'New',
              'Bench New',
              email,
              phone,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              null,
              false,
              [],
              null,
              null,
              null,
              '[]',
              `bench new bench new ${email} ${phone.slice(1)}`,
              now,
            ],
          );
          await client.query(
            `insert into contact_counts (location_id, total) values ($1, 1)
             on conflict (location_id) do update set total = contact_counts.total + 1`,
            [locationId],
          );
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
        await pool.query('notify seren_events');
        await pool.query(GET, [id, locationId]);
      },
    },
  ];
}

interface Result {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** CPU time per request (µs) of each process: the bench's clients, the gateway, identity + crm, PostgreSQL */
  cpu?: Record<'bench' | 'gateway' | 'services' | 'postgres', number>;
}

/** A child's CPU time so far (user + system, µs), asked over its stdin. */
function cpuOf(proc: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    cpuWaiters.set(proc, resolve);
    proc.stdin!.write('cpu\n');
  });
}

/**
 * CPU time (µs) of the PostgreSQL backends serving these databases (their process titles name the
 * database), read from /proc: the server's share of the work, for both paths.
 */
function postgresCpu(databases: string[]): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!title.startsWith('postgres: ') || !databases.some((d) => title.includes(` ${d} `))) continue;
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // utime and stime are fields 14 and 15 of stat (11 and 12 after the name), in clock ticks of 10 ms
      ticks.set(Number(entry), (Number(fields[11]) + Number(fields[12])) * 10_000);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** Starts the children's CPU profilers; the answer stops them, writing `<dir>/<name>.<child>.cpuprofile`. */
function profileChildren(named: Record<string, ChildProcess>, dir: string, name: string) {
  for (const proc of Object.values(named)) proc.stdin!.write('profile start\n');
  return () =>
    Promise.all(
      Object.entries(named).map(
        ([label, proc]) =>
          new Promise<void>((resolve) => {
            profileWaiters.set(proc, resolve);
            proc.stdin!.write(
              `profile stop ${join(dir, `${name.replace(/\W+/g, '-')}.${label}.cpuprofile`)}\n`,
            );
          }),
      ),
    );
}

/** `closedLoop` with each process's CPU time per request around it. */
async function measured(
  processes: { gateway: ChildProcess; services: ChildProcess; databases: string[] },
  clients: number,
  seconds: number,
  once: (i: number) => Promise<void>,
): Promise<Result> {
  const snapshot = async () => ({
    bench: process.cpuUsage(),
    gateway: await cpuOf(processes.gateway),
    services: await cpuOf(processes.services),
    postgres: postgresCpu(processes.databases),
  });
  const before = await snapshot();
  const result = await closedLoop(clients, seconds, once);
  const after = await snapshot();
  const bench = process.cpuUsage(before.bench);
  let postgres = 0;
  for (const [pid, micros] of after.postgres) postgres += micros - (before.postgres.get(pid) ?? 0);
  const per = (micros: number) => micros / result.requests;
  result.cpu = {
    bench: per(bench.user + bench.system),
    gateway: per(after.gateway - before.gateway),
    services: per(after.services - before.services),
    postgres: per(postgres),
  };
  return result;
}

async function closedLoop(
  clients: number,
  seconds: number,
  once: (i: number) => Promise<void>,
): Promise<Result> {
  const latencies: number[] = [];
  let counter = 0;
  const deadline = performance.now() + seconds * 1000;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const i = counter++;
        const t = performance.now();
        await once(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = (performance.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { requests: latencies.length, perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function main() {
  const load = [loadavg()[0]!];
  const services = await child('services.ts', {});
  const gatewayDatabase = `bench_gateway_${process.pid}`;
  const gateway = await child('gateway.ts', {
    GATEWAY_DATABASE: gatewayDatabase,
    IDENTITY_URL: services.identity!,
    CRM_URL: services.crm!,
    LOG_LEVEL: 'warn',
    INTERNAL_TOKEN_SECRET: TEST_INTERNAL_TOKEN_SECRET,
    // the limiter runs (its PostgreSQL round trip is part of the path), its Serebro limits raised: at
    // 100 per 10 s per app and location the run would measure the limit
    RATE_LIMIT_OVERRIDES: JSON.stringify({
      'serebro.api': [
        { limit: 1_000_000_000, windowMs: 10_000 },
        { limit: 1_000_000_000, windowMs: 86_400_000 },
      ],
    }),
  });
  const url = new URL(infraEndpoints().databaseUrl);
  url.pathname = `/${services.crmDatabase}`;
  const pool = new pg.Pool({ connectionString: url.href, max: Math.max(LOAD_CLIENTS, CLIENTS) * 2 });
  const locationId = services.locationId!;
  const seededIn = await seed(pool, locationId);
  console.error(`[bench] ${CONTACTS} contacts seeded and indexed in ${seededIn.toFixed(0)} s`);
  const samples: Sample[] = (
    await pool.query(
      `select id, email, last_name, date_added from contacts tablesample system (1) where location_id = $1 limit 5000`,
      [locationId],
    )
  ).rows.map((r: { id: string; email: string; last_name: string; date_added: Date }) => ({
    id: r.id,
    email: r.email,
    lastName: r.last_name,
    at: r.date_added,
  }));

  const base = gateway.serebro!;
  const authorization = `Bearer ${services.apiKey}`;
  // The clients share these two cores with the path they measure: undici's request() over a
  // keep-alive pool costs them a fraction of what fetch() (WHATWG streams) costs per request.
  const agent = new Agent({ connections: Math.max(LOAD_CLIENTS, CLIENTS), keepAliveTimeout: 30_000 });
  const call = async (call: { method: string; path: string; body?: unknown }) => {
    const response = await request(`${base}${call.path}`, {
      method: call.method as 'GET' | 'POST',
      headers: { authorization, ...(call.body ? { 'content-type': 'application/json' } : {}) },
      body: call.body ? JSON.stringify(call.body) : undefined,
      dispatcher: agent,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300)
      throw new Error(`${call.method} ${call.path}: ${response.statusCode} ${text}`);
  };

  const rows: string[] = [];
  const comparisons: string[] = [];
  const processes = {
    services: children[0]!,
    gateway: children[1]!,
    databases: [services.crmDatabase!, gatewayDatabase],
  };
  const chosen = scenarios(locationId, samples).filter(
    (s) => only.length === 0 || only.some((word) => s.name.includes(word)),
  );
  for (const scenario of chosen) {
    const gatewayOnce = (i: number) => call(scenario.gateway(i));
    const directOnce = (i: number) => scenario.direct(pool, i).then(() => undefined);
    await closedLoop(2, WARMUP, gatewayOnce); // warm-up
    await closedLoop(2, WARMUP, directOnce);
    const figures: Record<string, Result> = {};
    for (const [label, clients] of [
      ['latency', CLIENTS],
      ['load', LOAD_CLIENTS],
    ] as const) {
      const stopProfiling =
        profileDir && label === 'load'
          ? profileChildren(
              { gateway: processes.gateway, services: processes.services },
              profileDir,
              scenario.name,
            )
          : undefined;
      figures[`gateway ${label}`] = await measured(processes, clients, SECONDS, gatewayOnce);
      await stopProfiling?.();
      figures[`direct ${label}`] = await measured(processes, clients, SECONDS, directOnce);
    }
    for (const [label, r] of Object.entries(figures)) {
      const clients = label.endsWith('latency') ? CLIENTS : LOAD_CLIENTS;
      const cpu = r.cpu
        ? [r.cpu.bench, r.cpu.gateway, r.cpu.services, r.cpu.postgres].map((c) => c.toFixed(0)).join(' / ')
        : '';
      rows.push(
        `| ${scenario.name} | ${label.startsWith('gateway') ? 'gateway (REST v1)' : 'direct pg'} | ${clients} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.requests} | ${cpu} |`,
      );
      console.error(
        `[bench] ${scenario.name}, ${label}: ${r.perSecond.toFixed(0)}/s p50 ${r.p50.toFixed(1)} ms p99 ${r.p99.toFixed(1)} ms, cpu µs/req client/gateway/services/pg ${cpu}, load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    const ratio = figures['gateway load']!.perSecond / figures['direct load']!.perSecond;
    comparisons.push(
      `| ${scenario.name} | ${figures['gateway latency']!.p99.toFixed(1)} ms | ${ratio.toFixed(2)}x |`,
    );
  }
  load.push(loadavg()[0]!);

  const section = [
    '<!-- crm-bench:start -->',
    '## crm: contacts at a million',
    '',
    `One run, ${new Date().toISOString().slice(0, 10)}, on this machine (${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB), Node ${process.version}, loopback only,`,
    `against the infra PostgreSQL 18. One location holding ${CONTACTS.toLocaleString('en-US')} contacts (seeded by SQL and indexed in ${seededIn.toFixed(0)} s; no events), names`,
    'of random letters (100 first, 1,000 last: a last name matches about 1 in 1,000 contacts). Each operation runs closed-loop for',
    `${SECONDS} s with ${CLIENTS} client (latency) and with ${LOAD_CLIENTS} clients (throughput), through the gateway (Serebro v1 REST,`,
    "the location's API key, the rate limiter on with its limits raised) and as the same SQL run directly with pg on the same",
    `database (the service's statements, copied in bench/crm/run.ts). Load average ${load[0]!.toFixed(1)} at the start, ${load[1]!.toFixed(1)} at the end: other`,
    'work shared the two cores, so read the figures as an upper bound of what the path costs. The gateway path includes',
    "authentication at identity (cached ≤ 5 s), the limiter's PostgreSQL round trip, the GraphQL plan and the crm subgraph;",
    "`create` is the whole write path on both sides (the service's statements, its relay's Kafka publish aside). Warm-up",
    `${WARMUP} s per path and operation; the clients use undici's request() over keep-alive sockets; the children run`,
    'NODE_ENV=production for their libraries, as the image does. cpu: CPU time per request of each process over the run',
    "(the bench's clients; the gateway; identity and crm, one process; the PostgreSQL backends of the bench's databases).",
    'Reproduce: `npm run bench --workspace @seren/crm` (BENCH_CONTACTS, BENCH_SECONDS, BENCH_CLIENTS, BENCH_LOAD_CLIENTS,',
    'BENCH_WARMUP; BENCH_CPU_PROF=<dir> profiles the gateway and crm processes, bench/crm/profile.ts summarises).',
    '',
    '| operation | path | clients | req/s | p50 ms | p99 ms | requests | cpu µs/req: client / gateway / identity+crm / PostgreSQL |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    '| operation | gateway p99 at 1 client (goal < 50 ms for list and search) | gateway throughput vs direct at load (goal ≥ 0.6x) |',
    '| --- | ---: | ---: |',
    ...comparisons,
    '<!-- crm-bench:end -->',
  ].join('\n');
  console.log(section);
  if (process.env.BENCH_WRITE !== 'false') {
    const readme = join(here, '..', 'README.md');
    const current = readFileSync(readme, 'utf8');
    const start = current.indexOf('<!-- crm-bench:start -->');
    const end = current.indexOf('<!-- crm-bench:end -->');
    writeFileSync(
      readme,
      start >= 0 && end > start
        ? current.slice(0, start) + section + current.slice(end + '<!-- crm-bench:end -->'.length)
        : `${current.trimEnd()}\n\n${section}\n`,
    );
  }
  await pool.end();
  await agent.close();
}

main()
  .catch((error) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const proc of children) proc.stdin?.end();
    setTimeout(() => process.exit(process.exitCode ?? 0), 3000).unref();
  });
