import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { testServiceEnv } from '@seren/testing';
import { registerPublisher } from '../charges/service';
import { startCommerceService, type CommerceService } from '../service';
import { depositOf, publisherCaller, type MoneyWorkerSettings } from '../test-support/money-worker';
import { postEntry } from './index';

// The ledger's invariants under concurrency and crashes: commerce worker processes run 10,000
// charges, refunds, slashes and deposits at once (idempotency keys and deposit references drawn from
// small pools, so the same request arrives again, concurrently and after a crash) while the test
// SIGKILLs them at random mid-flight and starts new ones. Then the journal must balance per asset,
// every balance equal its lines and none below zero outside the system accounts, no charge or
// deposit applied twice, and no charge give back more than it took.

const repoRoot = resolve(__dirname, '../../../..');
const OPERATIONS = Number(process.env.INVARIANT_OPERATIONS) || 10_000;
const WORKERS = 3;

function startWorker(settings: MoneyWorkerSettings) {
  const child = spawn(
    process.execPath,
    [
      '--require',
      join(repoRoot, 'packages/event-store/src/test-support/register.js'),
      join(__dirname, '../test-support/money-child.ts'),
    ],
    { env: { ...process.env, MONEY_CHILD_ENV: JSON.stringify(settings) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const worker = { child, done: 0, refused: 0, failed: 0, errors: [] as string[], ready: false };
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      if (line === 'READY') worker.ready = true;
      const counts = /^DONE (\d+) (\d+) (\d+)$/.exec(line);
      if (counts)
        [worker.done, worker.refused, worker.failed] = counts.slice(1).map(Number) as [
          number,
          number,
          number,
        ];
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => worker.errors.push(chunk.toString()));
  return worker;
}

const kill = (child: ChildProcess) =>
  new Promise<void>((resolveKill) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolveKill();
    child.once('exit', () => resolveKill());
    child.kill('SIGKILL');
  });

describe('the ledger under 10,000 concurrent operations with workers killed mid-flight', () => {
  let service: CommerceService;
  let settings: MoneyWorkerSettings;
  const workers: ReturnType<typeof startWorker>[] = [];

  beforeAll(async () => {
    const env = testServiceEnv('commerce', { embedded: true });
    service = await startCommerceService(env);
    const agents = Array.from({ length: 40 }, () => randomUUID());
    const publishers = [];
    for (const name of ['alpha', 'beta', 'gamma']) {
      const organizationId = randomUUID();
      const slug = `${name}-${randomUUID().slice(0, 6)}`;
      await registerPublisher(service.application, publisherCaller({ organizationId }), { slug, name });
      publishers.push({ slug, organizationId });
    }
    settings = {
      databaseUrl: env.DATABASE_URL!,
      database: env.COMMERCE_DATABASE!,
      agents,
      publishers,
      concurrency: 8,
      keyPool: 1_500,
    };
    // every agent starts with a deposit, so most charges can be paid
    for (const [i] of agents.entries())
      await service.application.dataSource.transaction((tx) =>
        postEntry(tx, depositOf(settings, `seed-${i}`)),
      );
  });
  afterAll(async () => {
    await Promise.all(workers.map((worker) => kill(worker.child)));
    await service?.close();
  });

  it('keeps every invariant', async () => {
    const completed = () => workers.reduce((sum, w) => sum + w.done + w.refused, 0);
    const running = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    let kills = 0;
    for (let i = 0; i < WORKERS; i += 1) workers.push(startWorker(settings));
    const started = Date.now();
    const deadline = started + 170_000;
    // at least OPERATIONS operations and three kills (a quiet machine runs them in seconds)
    while (completed() < OPERATIONS || kills < 3) {
      if (Date.now() > deadline) throw new Error(`only ${completed()} operations, ${kills} kills in 170 s`);
      await new Promise((r) => setTimeout(r, 1_000 + Math.random() * 2_000));
      // a worker takes seconds to start on a loaded machine: kill one only while another serves
      const alive = running().filter((w) => w.ready);
      if (alive.length >= 2) {
        await kill(alive[Math.floor(Math.random() * alive.length)]!.child);
        kills += 1;
        workers.push(startWorker(settings));
      }
    }
    await Promise.all(workers.map((worker) => kill(worker.child)));
    const totals = {
      operations: completed(),
      refused: workers.reduce((sum, w) => sum + w.refused, 0),
      failed: workers.reduce((sum, w) => sum + w.failed, 0),
      kills,
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`invariant run: ${JSON.stringify(totals)}`);
    expect(kills).toBeGreaterThanOrEqual(3);
    // a failure is an error that is not a domain answer: its messages are in the workers' stderr
    const failures = workers.flatMap((w) => w.errors).filter((e) => e.includes('money worker:'));
    expect({ failed: totals.failed, failures }).toEqual({ failed: 0, failures: [] });

    const q = (sql: string) =>
      service.application.dataSource.query(sql) as Promise<Record<string, unknown>[]>;
    // the journal balances per asset, and entry by entry
    expect(
      await q(`select asset, sum(amount) from ledger_lines group by asset having sum(amount) <> 0`),
    ).toEqual([]);
    expect(
      await q(`select entry_id, asset from ledger_lines group by entry_id, asset having sum(amount) <> 0`),
    ).toEqual([]);
    // every line belongs to an entry (ledger_post writes both; no foreign key checks it since 1797300000000)
    expect(
      await q(
        `select l.entry_id from ledger_lines l left join ledger_entries e on e.id = l.entry_id where e.id is null`,
      ),
    ).toEqual([]);
    // every balance is the sum of its lines; none below zero without the documented overdraft
    expect(
      await q(`select b.account from (select account, sum(balance) as balance from ledger_balances group by account) b
               full join (select account, sum(amount) as total from ledger_lines group by account) l using (account)
               where coalesce(b.balance, 0) <> coalesce(l.total, 0)`),
    ).toEqual([]);
    expect(
      await q(`select account from ledger_balances where balance < 0 and account not like 'system:%'`),
    ).toEqual([]);
    // no charge applied twice: one ChargeCreated, one charge row and one journal entry per charge,
    // one charge per idempotency key, one entry per deposit reference
    const [counts] = await q(`select
        (select count(*) from charges)::int as charges,
        (select count(*) from events where type = 'ChargeCreated')::int as events,
        (select count(*) from ledger_entries where kind = 'charge')::int as entries,
        (select count(distinct reference) from ledger_entries where kind = 'charge')::int as distinct_entries`);
    expect(counts!.charges).toBeGreaterThan(OPERATIONS / 10);
    expect(counts).toEqual({
      charges: counts!.charges,
      events: counts!.charges,
      entries: counts!.charges,
      distinct_entries: counts!.charges,
    });
    expect(
      await q(`select c.id from charges c left join ledger_entries e on e.kind = 'charge' and e.reference = c.id
               where e.id is null`),
    ).toEqual([]);
    expect(
      await q(`select idempotency_key from charges where idempotency_key is not null
               group by publisher_id, idempotency_key having count(*) > 1`),
    ).toEqual([]);
    const [keyed] = await q(`select count(*)::int as n from charges where idempotency_key is not null`);
    expect(keyed!.n).toBeLessThanOrEqual(settings.keyPool);
    // the entry of a charge moves exactly its amount from the agent to the publisher
    expect(
      await q(`select c.id from charges c join ledger_entries e on e.kind = 'charge' and e.reference = c.id
               join ledger_lines l on l.entry_id = e.id and l.account like 'publisher:%'
               where l.amount <> c.amount_atomic`),
    ).toEqual([]);
    // no refund exceeds its charge: at most one refund each, and refund plus slashes within the amount,
    // in the journal (the lines on the publisher's earnings) as in the read model
    expect(
      await q(
        `select reference from ledger_entries where kind = 'refund' group by reference having count(*) > 1`,
      ),
    ).toEqual([]);
    expect(
      await q(`select c.id from charges c
               left join (
                 select coalesce(split_part(e.reference, ':', 1), e.reference) as charge_id, -sum(l.amount) as back
                 from ledger_entries e join ledger_lines l on l.entry_id = e.id and l.account like 'publisher:%'
                 where e.kind in ('refund', 'slash') group by 1
               ) r on r.charge_id = c.id
               where coalesce(r.back, 0) > c.amount_atomic
                  or coalesce(r.back, 0) <> c.refunded_atomic + c.slashed_atomic`),
    ).toEqual([]);
    const [returns] = await q(`select
        (select count(*) from ledger_entries where kind = 'refund')::int as refunds,
        (select count(*) from ledger_entries where kind = 'slash')::int as slashes`);
    expect(returns!.refunds).toBeGreaterThan(OPERATIONS / 100);
    expect(returns!.slashes).toBeGreaterThan(OPERATIONS / 1000);
    // deposits: one entry per reference, each of the amount its reference stands for
    expect(
      await q(
        `select reference from ledger_entries where kind = 'deposit_x402' group by reference having count(*) > 1`,
      ),
    ).toEqual([]);
    const deposits = (await q(`select e.reference, l.amount::text as amount from ledger_entries e
        join ledger_lines l on l.entry_id = e.id and l.account like 'agent:%' where e.kind = 'deposit_x402'`)) as {
      reference: string;
      amount: string;
    }[];
    for (const deposit of deposits)
      expect(BigInt(deposit.amount)).toBe(depositOf(settings, deposit.reference).lines[0]!.amount);
  }, 200_000);
});
