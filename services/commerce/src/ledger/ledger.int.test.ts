import { randomUUID } from 'node:crypto';
import { isDomainError } from '@seren/service-kit/errors';
import { testServiceEnv } from '@seren/testing';
import type { EntityManager } from 'typeorm';
import { startCommerceService, type CommerceService } from '../service';
import {
  accounts,
  agentWallet,
  balanceOf,
  balances,
  entriesOf,
  organizationOfWallet,
  postEntry,
  requestHashOf,
  withIdempotency,
} from './index';

const deposit = (organizationId: string, amount: bigint, reference = randomUUID()) => ({
  kind: 'deposit_stripe',
  reference,
  organizationId,
  lines: [
    { account: accounts.agentFunded(organizationId, 'USD'), asset: 'USD' as const, amount },
    { account: accounts.system('stripe_clearing', 'USD'), asset: 'USD' as const, amount: -amount },
  ],
});

const reasonOf = (error: unknown) => (isDomainError(error) ? `${error.code}/${error.reason}` : String(error));

describe('the ledger on PostgreSQL', () => {
  let service: CommerceService;
  let tx: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;

  beforeAll(async () => {
    service = await startCommerceService(testServiceEnv('commerce', { embedded: true }));
    tx = (work) => service.application.dataSource.transaction(work);
  });
  afterAll(() => service?.close());

  it('posts a balanced entry and moves both balances; the system side may go below zero', async () => {
    const org = randomUUID();
    await tx((m) => postEntry(m, deposit(org, 1_050n)));
    const manager = service.application.dataSource.manager;
    expect(await balances(manager, org, 'USD')).toEqual({ funded: 1_050n, promotional: 0n });
    expect(await balanceOf(manager, accounts.system('stripe_clearing', 'USD'))).toBeLessThanOrEqual(-1_050n);
    expect(await organizationOfWallet(manager, agentWallet(org))).toBe(org);
  });

  it('refuses an unbalanced entry, and an account holding another asset', async () => {
    const org = randomUUID();
    const unbalanced = {
      ...deposit(org, 100n),
      lines: [
        ...deposit(org, 100n).lines.slice(0, 1),
        { account: accounts.system('stripe_clearing', 'USD'), asset: 'USD' as const, amount: -99n },
      ],
    };
    await expect(tx((m) => postEntry(m, unbalanced))).rejects.toThrow(/unbalanced/);
    const wrongAsset = {
      ...deposit(org, 100n),
      lines: deposit(org, 100n).lines.map((l) => ({ ...l, asset: 'USDC' as const })),
    };
    await expect(tx((m) => postEntry(m, wrongAsset))).rejects.toThrow(/does not hold/);
    expect(await balances(service.application.dataSource.manager, org, 'USD')).toEqual({
      funded: 0n,
      promotional: 0n,
    });
  });

  it('refuses with 402 an entry that would take an agent below zero, and nothing of it stays', async () => {
    const org = randomUUID();
    await tx((m) => postEntry(m, deposit(org, 500n)));
    const spend = {
      kind: 'charge',
      reference: randomUUID(),
      organizationId: org,
      lines: [
        { account: accounts.agentFunded(org, 'USD'), asset: 'USD' as const, amount: -501n },
        { account: accounts.publisherEarnings('p1', 'USD'), asset: 'USD' as const, amount: 501n },
      ],
    };
    const error = await tx((m) => postEntry(m, spend)).catch((e: unknown) => e);
    expect(reasonOf(error)).toBe('PAYMENT_REQUIRED/INSUFFICIENT_FUNDS');
    const manager = service.application.dataSource.manager;
    expect(await balances(manager, org, 'USD')).toEqual({ funded: 500n, promotional: 0n });
    expect(
      (await entriesOf(manager, { kinds: ['charge'], organizationId: org, limit: 10, offset: 0 })).total,
    ).toBe(0);
  });

  it('applies the same (kind, reference) once, even posted by many transactions at the same moment', async () => {
    const org = randomUUID();
    const reference = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 8 }, () => tx((m) => postEntry(m, deposit(org, 700n, reference)))),
    );
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    expect(new Set(results.map((r) => r.entryId)).size).toBe(1);
    expect(await balances(service.application.dataSource.manager, org, 'USD')).toEqual({
      funded: 700n,
      promotional: 0n,
    });
  });

  it('keeps every balance equal to the sum of its lines and every asset summing to zero under concurrent spending', async () => {
    const org = randomUUID();
    await tx((m) => postEntry(m, deposit(org, 1_000n)));
    const attempts = await Promise.allSettled(
      Array.from({ length: 30 }, () =>
        tx((m) =>
          postEntry(m, {
            kind: 'charge',
            reference: randomUUID(),
            organizationId: org,
            lines: [
              { account: accounts.agentFunded(org, 'USD'), asset: 'USD', amount: -100n },
              { account: accounts.publisherEarnings('p2', 'USD'), asset: 'USD', amount: 100n },
            ],
          }),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(10);
    for (const failed of attempts.filter((a) => a.status === 'rejected'))
      expect(reasonOf(failed.reason)).toBe('PAYMENT_REQUIRED/INSUFFICIENT_FUNDS');
    const manager = service.application.dataSource.manager;
    expect(await balances(manager, org, 'USD')).toEqual({ funded: 0n, promotional: 0n });
    const drift: unknown[] = await manager.query(
      `select b.account from (select account, sum(balance) as balance from ledger_balances group by account) b
       left join (select account, sum(amount) s from ledger_lines group by account) l
       using (account) where b.balance <> coalesce(l.s, 0)`,
    );
    expect(drift).toEqual([]);
    const unbalanced: unknown[] = await manager.query(
      `select asset from ledger_lines group by asset having sum(amount) <> 0`,
    );
    expect(unbalanced).toEqual([]);
  });

  it("spreads a publisher's earnings over shards, and a debit takes from them all but never beyond their sum", async () => {
    const org = randomUUID();
    const publisher = `shard-${randomUUID()}`;
    await tx((m) => postEntry(m, deposit(org, 10_000n)));
    for (let i = 0; i < 40; i += 1)
      await tx((m) =>
        postEntry(m, {
          kind: 'charge',
          reference: randomUUID(),
          organizationId: org,
          lines: [
            { account: accounts.agentFunded(org, 'USD'), asset: 'USD', amount: -100n },
            { account: accounts.publisherEarnings(publisher, 'USD'), asset: 'USD', amount: 100n },
          ],
        }),
      );
    const manager = service.application.dataSource.manager;
    const earnings = accounts.publisherEarnings(publisher, 'USD');
    const [rows] = await manager.query(
      `select count(*)::int as n, max(balance)::int as top from ledger_balances where account = $1`,
      [earnings],
    );
    expect(rows.n).toBeGreaterThan(1);
    expect(await balanceOf(manager, earnings)).toBe(4_000n);
    const slash = (amount: bigint) =>
      tx((m) =>
        postEntry(m, {
          kind: 'slash',
          reference: randomUUID(),
          organizationId: org,
          lines: [
            { account: earnings, asset: 'USD', amount: -amount },
            { account: accounts.agentFunded(org, 'USD'), asset: 'USD', amount },
          ],
        }),
      );
    await slash(BigInt(rows.top) + 50n);
    expect(await balanceOf(manager, earnings)).toBe(4_000n - BigInt(rows.top) - 50n);
    expect(reasonOf(await slash(4_000n).catch((e: unknown) => e))).toBe(
      'PAYMENT_REQUIRED/INSUFFICIENT_FUNDS',
    );
    await slash(4_000n - BigInt(rows.top) - 50n);
    expect(await balanceOf(manager, earnings)).toBe(0n);
    expect(await balances(manager, org, 'USD')).toEqual({ funded: 10_000n, promotional: 0n });
  });

  it('lists entries touching an account, newest first, with their lines', async () => {
    const org = randomUUID();
    await tx((m) => postEntry(m, { ...deposit(org, 100n), at: new Date('2026-01-01T00:00:00Z') }));
    await tx((m) => postEntry(m, { ...deposit(org, 200n), at: new Date('2026-01-02T00:00:00Z') }));
    const page = await entriesOf(service.application.dataSource.manager, {
      accounts: [accounts.agentFunded(org, 'USD')],
      limit: 1,
      offset: 0,
    });
    expect(page.total).toBe(2);
    expect(page.items[0]).toMatchObject({
      kind: 'deposit_stripe',
      organizationId: org,
      createdAt: new Date('2026-01-02T00:00:00Z'),
    });
    expect(page.items[0]!.lines).toEqual(
      expect.arrayContaining([{ account: accounts.agentFunded(org, 'USD'), asset: 'USD', amount: 200n }]),
    );
  });

  describe('withIdempotency', () => {
    const scope = 'POST /test';

    it('answers the first result again for the same key and parameters, without running twice', async () => {
      const org = randomUUID();
      const key = randomUUID();
      let runs = 0;
      const once = () =>
        withIdempotency(
          service.application,
          { scope, key, requestHash: requestHashOf({ org, amount: 300n }) },
          async (m) => {
            runs += 1;
            const posted = await postEntry(m, deposit(org, 300n));
            return { entryId: posted.entryId, amount: 300n, at: new Date('2026-01-01T00:00:00Z') };
          },
        );
      const first = await once();
      const again = await once();
      expect(again).toEqual(first);
      expect(again.amount).toBe(300n);
      expect(again.at).toEqual(new Date('2026-01-01T00:00:00Z'));
      expect(runs).toBe(1);
      expect(await balances(service.application.dataSource.manager, org, 'USD')).toEqual({
        funded: 300n,
        promotional: 0n,
      });
    });

    it('stores the result with the posting (remember) and answers it again', async () => {
      const org = randomUUID();
      const key = randomUUID();
      let runs = 0;
      const once = () =>
        withIdempotency(
          service.application,
          { scope, key, requestHash: requestHashOf({ org, amount: 200n }) },
          async (m, claimed) => {
            runs += 1;
            const result = { org, amount: 200n };
            await postEntry(m, deposit(org, 200n), { remember: { key: claimed, result } });
            expect(claimed?.stored).toMatchObject({ taken: true });
            return result;
          },
        );
      const first = await once();
      expect(await once()).toEqual(first);
      expect(runs).toBe(1);
      const rows: unknown[] = await service.application.dataSource.query(
        `select 1 from idempotency_keys where scope = $1 and key = $2`,
        [scope, key],
      );
      expect(rows).toHaveLength(1);
      expect((await balances(service.application.dataSource.manager, org, 'USD')).funded).toBe(200n);
    });

    it('refuses to return another result than the one stored with the posting', async () => {
      const org = randomUUID();
      const error = await withIdempotency(
        service.application,
        { scope, key: randomUUID(), requestHash: requestHashOf({ org }) },
        async (m, claimed) => {
          await postEntry(m, deposit(org, 100n), { remember: { key: claimed, result: 'stored' } });
          return 'returned';
        },
      ).catch((e: unknown) => e);
      expect(String(error)).toMatch(/differs/);
      expect((await balances(service.application.dataSource.manager, org, 'USD')).funded).toBe(0n);
    });

    it('refuses the same key with other parameters with 400 IDEMPOTENCY_ERROR', async () => {
      const key = randomUUID();
      await withIdempotency(
        service.application,
        { scope, key, requestHash: requestHashOf({ a: 1 }) },
        async () => 'first',
      );
      const error = await withIdempotency(
        service.application,
        { scope, key, requestHash: requestHashOf({ a: 2 }) },
        async () => 'second',
      ).catch((e: unknown) => e);
      expect(reasonOf(error)).toBe('VALIDATION_ERROR/IDEMPOTENCY_ERROR');
    });

    it('answers 409 IDEMPOTENCY_KEY_IN_USE while a request with the key is in flight', async () => {
      const key = randomUUID();
      const requestHash = requestHashOf({ a: 1 });
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const running = new Promise<void>((resolve) => (started = resolve));
      const first = withIdempotency(service.application, { scope, key, requestHash }, async () => {
        started();
        await held;
        return 'first';
      });
      await running;
      const error = await withIdempotency(
        service.application,
        { scope, key, requestHash },
        async () => 'second',
      ).catch((e: unknown) => e);
      expect(reasonOf(error)).toBe('CONFLICT/IDEMPOTENCY_KEY_IN_USE');
      release();
      expect(await first).toBe('first');
      expect(
        await withIdempotency(service.application, { scope, key, requestHash }, async () => 'third'),
      ).toBe('first');
    });

    it('stores nothing when the work fails, so the key may be retried', async () => {
      const org = randomUUID();
      const key = randomUUID();
      const spend = (amount: bigint) =>
        withIdempotency(service.application, { scope, key, requestHash: requestHashOf({ org }) }, (m) =>
          postEntry(m, {
            kind: 'charge',
            reference: key,
            organizationId: org,
            lines: [
              { account: accounts.agentFunded(org, 'USD'), asset: 'USD', amount: -amount },
              { account: accounts.publisherEarnings('p3', 'USD'), asset: 'USD', amount },
            ],
          }),
        );
      expect(reasonOf(await spend(100n).catch((e: unknown) => e))).toBe(
        'PAYMENT_REQUIRED/INSUFFICIENT_FUNDS',
      );
      await tx((m) => postEntry(m, deposit(org, 100n)));
      expect((await spend(100n)).duplicate).toBe(false);
      expect(await balances(service.application.dataSource.manager, org, 'USD')).toEqual({
        funded: 0n,
        promotional: 0n,
      });
    });

    it('runs without a key as a plain transaction', async () => {
      let runs = 0;
      for (let i = 0; i < 2; i += 1)
        await withIdempotency(
          service.application,
          { scope, key: undefined, requestHash: 'x' },
          async () => (runs += 1),
        );
      expect(runs).toBe(2);
    });
  });
});
