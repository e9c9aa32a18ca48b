import { randomUUID } from 'node:crypto';
import { testServiceEnv, waitForEvent } from '@seren/testing';
import { openDatabase } from '@seren/service-kit';
import { isDomainError } from '@seren/service-kit/errors';
import { accounts, agentWallet, balances, postEntry } from '../ledger/index';
import { startCommerceService, type CommerceService } from '../service';
import { publisherCaller } from '../test-support/money-worker';
import { chargeDecider, decideCharge } from './decide';
import { deletePublisher } from '../publishers/service';
import { createCharge, getCharge, registerPublisher } from './service';

// A charge is one call of charge_create (charge-function.ts): these tests hold it to what the
// TypeScript path wrote — the event in its stream and on Kafka, the charges row, one balanced journal
// entry — and to decideCharge's split, the idempotency key's semantics and the refusals.

describe('a charge in one call (charge_create)', () => {
  const env = testServiceEnv('commerce');
  let service: CommerceService;
  let publisher: { slug: string; organizationId: string; id: string };
  const query = <R>(sql: string, params: unknown[] = []) =>
    service.application.dataSource.query(sql, params) as Promise<R[]>;

  /** a new agent with these balances (atomic units) */
  async function agentWith(funded: bigint, promotional: bigint): Promise<{ org: string; wallet: string }> {
    const org = randomUUID();
    await service.application.dataSource.transaction(async (tx) => {
      // every agent gets an entry, so its wallet is known, even with nothing in it
      await postEntry(tx, {
        kind: 'test_seed',
        reference: `${org}:seed`,
        organizationId: org,
        lines: [
          { account: accounts.agentFunded(org, 'USDC'), asset: 'USDC', amount: funded + 1n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -(funded + 1n) },
        ],
      });
      await postEntry(tx, {
        kind: 'test_seed',
        reference: `${org}:unseed`,
        organizationId: org,
        lines: [
          { account: accounts.agentFunded(org, 'USDC'), asset: 'USDC', amount: -1n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: 1n },
        ],
      });
      if (promotional > 0n)
        await postEntry(tx, {
          kind: 'test_seed',
          reference: `${org}:promo`,
          organizationId: org,
          lines: [
            { account: accounts.agentPromotional(org, 'USDC'), asset: 'USDC', amount: promotional },
            { account: accounts.system('promotions', 'USDC'), asset: 'USDC', amount: -promotional },
          ],
        });
    });
    return { org, wallet: agentWallet(org) };
  }

  const charge = (
    wallet: string,
    amount: bigint,
    extra: { key?: string; description?: string; slug?: string } = {},
  ) =>
    createCharge(service.application, publisherCaller(publisher), {
      slug: extra.slug ?? publisher.slug,
      agentWallet: wallet,
      amountAtomic: amount,
      description: extra.description ?? 'a call',
      idempotencyKey: extra.key ?? null,
    });

  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      if (isDomainError(error)) return { code: error.code, reason: error.reason };
      throw error;
    }
    throw new Error('expected a refusal');
  };

  beforeAll(async () => {
    service = await startCommerceService(env);
    const organizationId = randomUUID();
    const slug = `fn-${randomUUID().slice(0, 8)}`;
    const view = await registerPublisher(service.application, publisherCaller({ organizationId }), {
      slug,
      name: 'Function test',
    });
    publisher = { slug, organizationId, id: view.id };
  });
  afterAll(() => service?.close());

  it('charges promotional credit first, then funded: the event, the charges row and the journal entry agree', async () => {
    const agent = await agentWith(1_000n, 300n);
    const view = await charge(agent.wallet, 500n, { description: 'search, "quoted"' });
    expect(view).toMatchObject({
      publisherId: publisher.id,
      publisherSlug: publisher.slug,
      agentOrganizationId: agent.org,
      agentWallet: agent.wallet,
      asset: 'USDC',
      amountAtomic: 500n,
      fromPromotionalAtomic: 300n,
      fromFundedAtomic: 200n,
      description: 'search, "quoted"',
      idempotencyKey: null,
      status: 'succeeded',
      refundedAtomic: 0n,
      slashedAtomic: 0n,
      refundReason: null,
      refundedAt: null,
    });
    expect(view.createdAt).toBe(view.updatedAt);

    const [event] = await query<{
      stream_id: string;
      stream_version: string;
      type: string;
      data: unknown;
      metadata: Record<string, unknown>;
    }>(
      `select e.stream_id, e.stream_version, e.type, e.data, e.metadata from events e where e.stream_id = $1`,
      [`charge-${view.id}`],
    );
    expect(event).toMatchObject({ stream_version: '1', type: 'ChargeCreated' });
    expect(event!.data).toEqual({
      chargeId: view.id,
      publisherId: publisher.id,
      agentOrganizationId: agent.org,
      agentWallet: agent.wallet,
      asset: 'USDC',
      amountAtomic: '500',
      fromPromotionalAtomic: '300',
      fromFundedAtomic: '200',
      description: 'search, "quoted"',
      idempotencyKey: null,
      entryId: expect.any(String),
      createdAt: view.createdAt,
    });
    expect(event!.metadata).toMatchObject({ organizationId: publisher.organizationId });
    const [stream] = await query<{ type: string; version: string }>(
      `select type, version from streams where id = $1`,
      [`charge-${view.id}`],
    );
    expect(stream).toEqual({ type: 'charge', version: '1' });

    const [row] = await query<Record<string, unknown>>(`select * from charges where id = $1`, [view.id]);
    expect(row).toMatchObject({
      publisher_id: publisher.id,
      agent_organization_id: agent.org,
      amount_atomic: '500',
      from_promotional_atomic: '300',
      from_funded_atomic: '200',
      status: 'succeeded',
    });

    const lines = await query<{
      account: string;
      amount: string;
      kind: string;
      id: string;
      metadata: unknown;
    }>(
      `select l.account, l.amount::text, e.kind, e.id, e.metadata from ledger_entries e join ledger_lines l on l.entry_id = e.id
       where e.kind = 'charge' and e.reference = $1 order by l.account`,
      [view.id],
    );
    expect(lines.map((l) => [l.account, l.amount])).toEqual([
      [accounts.agentFunded(agent.org, 'USDC'), '-200'],
      [accounts.agentPromotional(agent.org, 'USDC'), '-300'],
      [accounts.publisherEarnings(publisher.id, 'USDC'), '500'],
    ]);
    expect(lines[0]!.id).toBe((event!.data as { entryId: string }).entryId);
    expect(lines[0]!.metadata).toEqual({
      publisher_id: publisher.id,
      publisher_slug: publisher.slug,
      description: 'search, "quoted"',
    });
    expect(await balances(service.application.dataSource.manager, agent.org, 'USDC')).toEqual({
      funded: 800n,
      promotional: 0n,
    });

    // the relay publishes it like any append
    const received = await waitForEvent('commerce.charge', (e) => JSON.stringify(e.data).includes(view.id));
    expect(received.type).toBe('ChargeCreated');
  });

  it('splits as decideCharge does, and refuses with 402 where it does, moving nothing', async () => {
    const cases: [bigint, bigint, bigint][] = [
      // funded, promotional, amount
      [0n, 0n, 1n],
      [0n, 500n, 500n],
      [0n, 500n, 501n],
      [100n, 0n, 100n],
      [100n, 0n, 101n],
      [100n, 50n, 150n],
      [100n, 50n, 151n],
      [100n, 50n, 20n],
      [1n, 1_000_000n, 999_999n],
    ];
    const refusedAgents: string[] = [];
    for (const [funded, promotional, amount] of cases) {
      const agent = await agentWith(funded, promotional);
      let expected: { fromPromotional: bigint; fromFunded: bigint } | { code: string } | undefined;
      try {
        const [event] = decideCharge(
          {
            type: 'CreateCharge',
            chargeId: 'c',
            publisherId: 'p',
            agentOrganizationId: agent.org,
            agentWallet: agent.wallet,
            amount,
            description: '',
            idempotencyKey: null,
            balances: { funded, promotional },
            entryId: 'e',
            now: new Date().toISOString(),
          },
          chargeDecider.initialState(),
        );
        const d = event!.data as { fromPromotionalAtomic: string; fromFundedAtomic: string };
        expected = {
          fromPromotional: BigInt(d.fromPromotionalAtomic),
          fromFunded: BigInt(d.fromFundedAtomic),
        };
      } catch (error) {
        if (!isDomainError(error)) throw error;
        expected = { code: error.code };
      }
      if ('code' in expected) {
        expect(expected.code).toBe('PAYMENT_REQUIRED');
        refusedAgents.push(agent.org);
        expect(await refusal(charge(agent.wallet, amount))).toEqual({
          code: 'PAYMENT_REQUIRED',
          reason: 'INSUFFICIENT_FUNDS',
        });
        expect(await balances(service.application.dataSource.manager, agent.org, 'USDC')).toEqual({
          funded,
          promotional,
        });
      } else {
        const view = await charge(agent.wallet, amount);
        expect({ fromPromotional: view.fromPromotionalAtomic, fromFunded: view.fromFundedAtomic }).toEqual(
          expected,
        );
      }
    }
    expect(refusedAgents).toHaveLength(4);
    const refused = await query<{ n: number }>(
      `select count(*)::int as n from charges where agent_organization_id = any($1)`,
      [refusedAgents],
    );
    expect(refused[0]!.n).toBe(0);
  });

  it('keeps the key: the same body answers the first charge, another body 400, concurrent uses one charge and 409s', async () => {
    const agent = await agentWith(10_000n, 0n);
    const key = `k-${randomUUID()}`;
    const first = await charge(agent.wallet, 100n, { key });
    const again = await charge(agent.wallet, 100n, { key });
    expect(again).toEqual(first);
    expect(first.idempotencyKey).toBe(key);
    expect(await refusal(charge(agent.wallet, 101n, { key }))).toEqual({
      code: 'VALIDATION_ERROR',
      reason: 'IDEMPOTENCY_ERROR',
    });

    const other = `k-${randomUUID()}`;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 16 }, () => charge(agent.wallet, 7n, { key: other })),
    );
    const ids = new Set(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.id] : [])));
    expect(ids.size).toBe(1);
    for (const o of outcomes)
      if (o.status === 'rejected')
        expect(await refusal(Promise.reject(o.reason))).toEqual({
          code: 'CONFLICT',
          reason: 'IDEMPOTENCY_KEY_IN_USE',
        });
    const [count] = await query<{ n: number }>(
      `select count(*)::int as n from charges where agent_organization_id = $1`,
      [agent.org],
    );
    expect(count!.n).toBe(2);
    const [keys] = await query<{ n: number }>(
      `select count(*)::int as n from idempotency_keys where key = any($1)`,
      [[key, other]],
    );
    expect(keys!.n).toBe(2);
    expect(await balances(service.application.dataSource.manager, agent.org, 'USDC')).toEqual({
      funded: 10_000n - 107n,
      promotional: 0n,
    });
  });

  it('refuses a new charge under a soft-deleted publisher (404) while its earlier charges stay readable', async () => {
    const organizationId = randomUUID();
    const slug = `gone-${randomUUID().slice(0, 8)}`;
    const owner = publisherCaller({ organizationId });
    const gone = await registerPublisher(service.application, owner, { slug, name: 'Soon deleted' });
    const agent = await agentWith(1_000n, 0n);
    const chargeUnder = (description: string) =>
      createCharge(service.application, owner, {
        slug,
        agentWallet: agent.wallet,
        amountAtomic: 10n,
        description,
        idempotencyKey: null,
      });
    const earlier = await chargeUnder('before the delete');
    await deletePublisher(service.application, owner, 'default', gone.id);
    const refused = chargeUnder('after the delete');
    expect(await refusal(refused)).toMatchObject({ code: 'NOT_FOUND' });
    expect(await getCharge(service.application, owner, slug, earlier.id)).toMatchObject({ id: earlier.id });
    expect(await balances(service.application.dataSource.manager, agent.org, 'USDC')).toEqual({
      funded: 990n,
      promotional: 0n,
    });
  });

  it('answers 402 for a wallet the ledger never saw, 404 for an unknown publisher, 403 for another organization, writing nothing', async () => {
    const agent = await agentWith(1_000n, 0n);
    const before = await query<{ n: number }>(`select count(*)::int as n from events`);
    expect(await refusal(charge(agentWallet(randomUUID()), 1n))).toEqual({
      code: 'PAYMENT_REQUIRED',
      reason: 'INSUFFICIENT_FUNDS',
    });
    expect(await refusal(charge(agent.wallet, 1n, { slug: 'no-such-publisher' }))).toMatchObject({
      code: 'NOT_FOUND',
    });
    const stranger = createCharge(service.application, publisherCaller({ organizationId: randomUUID() }), {
      slug: publisher.slug,
      agentWallet: agent.wallet,
      amountAtomic: 1n,
      description: '',
    });
    expect(await refusal(stranger)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(charge(agent.wallet, 0n))).toMatchObject({ code: 'VALIDATION_ERROR' });
    const after = await query<{ n: number }>(`select count(*)::int as n from events`);
    expect(after[0]!.n).toBe(before[0]!.n);
    expect(await balances(service.application.dataSource.manager, agent.org, 'USDC')).toEqual({
      funded: 1_000n,
      promotional: 0n,
    });
  });

  it('refuses to charge with a charge_create other than the code defines', async () => {
    const agent = await agentWith(1_000n, 0n);
    const [fn] = await query<{ definition: string }>(
      `select pg_get_functiondef('charge_create'::regproc) as definition`,
    );
    const definition = fn!.definition;
    await query(definition.replace('begin\n', 'begin\n  -- edited by hand\n'));
    const dataSource = await openDatabase({
      serverUrl: env.DATABASE_URL!,
      database: env.COMMERCE_DATABASE!,
      poolSize: 2,
    });
    try {
      const stale = { ...service.application, dataSource } as typeof service.application;
      await expect(
        createCharge(stale, publisherCaller(publisher), {
          slug: publisher.slug,
          agentWallet: agent.wallet,
          amountAtomic: 1n,
          description: '',
        }),
      ).rejects.toThrow(/add a migration/);
    } finally {
      await query(definition!);
      await dataSource.destroy();
    }
  });
});
