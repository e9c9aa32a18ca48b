import { randomUUID } from 'node:crypto';
import { testServiceEnv } from '@seren/testing';
import type { EntityManager } from 'typeorm';
import { startCommerceService, type CommerceService } from '../service';
import { accounts, balanceOf, entriesOf, findHold, postEntry } from '../ledger/index';
import {
  callFunctionsSql,
  checkCallFunctions,
  placeCallHold,
  settleCallHold,
  type CallHold,
} from './call-functions';

// proxy_hold_place / proxy_hold_settle (call-functions.ts): the proxy's hold and its settlement in
// one statement each, with the journal entries, hold rows and locks of ledger/holds.ts.

const credit = (organizationId: string, kind: 'funded' | 'promotional', amount: bigint) => ({
  kind: kind === 'funded' ? 'deposit_x402' : 'bonus_signup',
  reference: randomUUID(),
  organizationId,
  lines: [
    {
      account:
        kind === 'funded'
          ? accounts.agentFunded(organizationId, 'USDC')
          : accounts.agentPromotional(organizationId, 'USDC'),
      asset: 'USDC' as const,
      amount,
    },
    {
      account: accounts.system(kind === 'funded' ? 'onchain_clearing' : 'promotions', 'USDC'),
      asset: 'USDC' as const,
      amount: -amount,
    },
  ],
});

describe('a paid call in two statements (proxy_hold_place, proxy_hold_settle)', () => {
  let service: CommerceService;
  let manager: EntityManager;
  const publisherId = randomUUID();

  beforeAll(async () => {
    service = await startCommerceService(testServiceEnv('commerce', { embedded: true }));
    manager = service.application.dataSource.manager;
  });
  afterAll(() => service?.close());

  async function wallet(promotional: bigint, funded: bigint) {
    const org = randomUUID();
    const tx = service.application.dataSource;
    if (promotional > 0n) await tx.transaction((m) => postEntry(m, credit(org, 'promotional', promotional)));
    if (funded > 0n) await tx.transaction((m) => postEntry(m, credit(org, 'funded', funded)));
    return org;
  }
  const place = (org: string, amount: bigint, minimum: bigint | null = null, holdId = randomUUID()) =>
    placeCallHold(service.application.dataSource, {
      holdId,
      organizationId: org,
      publisherId,
      asset: 'USDC',
      amount,
      minimum,
      expiresAt: new Date(Date.now() + 60_000),
      metadata: { kind: 'proxy', publisher_slug: 'fn-test', agent_id: '' },
      at: new Date(),
    });
  const held = async (org: string, amount: bigint): Promise<CallHold> => {
    const placed = await place(org, amount);
    if (placed.status !== 'held') throw new Error(placed.status);
    return placed.hold;
  };
  const balancesOf = async (org: string) => ({
    funded: await balanceOf(manager, accounts.agentFunded(org, 'USDC')),
    promotional: await balanceOf(manager, accounts.agentPromotional(org, 'USDC')),
    held: await balanceOf(manager, accounts.agentHeld(org, 'USDC')),
  });

  it('holds promotional credit first, then funded, as one hold entry and its row', async () => {
    const org = await wallet(30n, 100n);
    const hold = await held(org, 50n);
    expect(hold).toMatchObject({ amount: 50n, fromPromotional: 30n, fromFunded: 20n });
    expect(await balancesOf(org)).toEqual({ funded: 80n, promotional: 0n, held: 50n });
    const row = await findHold(manager, hold.id);
    expect(row).toMatchObject({
      status: 'held',
      organizationId: org,
      publisherId,
      fromPromotional: 30n,
      fromFunded: 20n,
      metadata: { kind: 'proxy', publisher_slug: 'fn-test', agent_id: '' },
    });
    const { items } = await entriesOf(manager, {
      organizationId: org,
      kinds: ['hold'],
      limit: 10,
      offset: 0,
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      reference: hold.id,
      metadata: { publisher_id: publisherId, kind: 'proxy', publisher_slug: 'fn-test' },
    });
    expect(items[0]!.lines).toEqual([
      { account: accounts.agentFunded(org, 'USDC'), asset: 'USDC', amount: -20n },
      { account: accounts.agentHeld(org, 'USDC'), asset: 'USDC', amount: 50n },
      { account: accounts.agentPromotional(org, 'USDC'), asset: 'USDC', amount: -30n },
    ]);
  });

  it('refuses what the wallet cannot cover, and a wallet below the minimum balance, writing nothing', async () => {
    const org = await wallet(10n, 20n);
    expect(await place(org, 31n)).toEqual({ status: 'insufficient' });
    expect(await place(org, 5n, 31n)).toEqual({ status: 'below_minimum' });
    expect(await balancesOf(org)).toEqual({ funded: 20n, promotional: 10n, held: 0n });
    expect(await place(randomUUID(), 1n)).toEqual({ status: 'insufficient' });
    expect((await place(org, 30n, 30n)).status).toBe('held');
  });

  it('the same hold id placed again answers the first hold and moves nothing', async () => {
    const org = await wallet(0n, 100n);
    const id = randomUUID();
    const first = await place(org, 40n, null, id);
    const again = await place(org, 40n, null, id);
    expect(again).toEqual(first);
    expect(await balancesOf(org)).toEqual({ funded: 60n, promotional: 0n, held: 40n });
  });

  it('captures into the earnings (the rest back, funded first) with the call event, once', async () => {
    const org = await wallet(30n, 100n);
    const hold = await held(org, 50n);
    const entryId = randomUUID();
    const callId = randomUUID();
    const event = {
      streamId: `publisher-call-${callId}`,
      streamType: 'publisher_call',
      events: service.application.store.encodeEvents([
        {
          type: 'PublisherCallCompleted',
          data: {
            callId,
            publisherId,
            organizationId: org,
            agentId: null,
            agentWallet: '0xabc',
            kind: 'proxy',
            paidWith: 'wallet',
            asset: 'USDC',
            cost: '35',
            rows: null,
            latencyMs: 3,
            status: 200,
            outcome: 'captured',
            entryId,
            txHash: null,
            at: new Date().toISOString(),
          },
        },
      ]),
    };
    const earningsBefore = await balanceOf(manager, accounts.publisherEarnings(publisherId, 'USDC'));
    const settled = await settleCallHold(service.application.dataSource, hold, {
      capture: 35n,
      entryId,
      metadata: { publisher_slug: 'fn-test', call_id: callId, description: 'Fn: call' },
      at: new Date(),
      event,
    });
    expect(settled).toEqual({ settled: true, captured: 35n, entryId, balance: null, noticed: false });
    // 15 not captured: back to funded (20 came from it)
    expect(await balancesOf(org)).toEqual({ funded: 95n, promotional: 0n, held: 0n });
    expect(await balanceOf(manager, accounts.publisherEarnings(publisherId, 'USDC'))).toBe(
      earningsBefore + 35n,
    );
    expect(await findHold(manager, hold.id)).toMatchObject({
      status: 'captured',
      captured: 35n,
      settleEntryId: entryId,
    });
    const { items } = await entriesOf(manager, {
      organizationId: org,
      kinds: ['charge'],
      limit: 10,
      offset: 0,
    });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      entryId,
      reference: hold.id,
      metadata: { publisher_id: publisherId, hold_id: hold.id, publisher_slug: 'fn-test', call_id: callId },
    });
    const stream = await service.application.store.readStream(`publisher-call-${callId}`);
    expect(stream.events.map((e) => [e.type, (e.data as { cost: string }).cost])).toEqual([
      ['PublisherCallCompleted', '35'],
    ]);
    // settled once: a second capture or a release moves nothing and appends nothing
    const again = await settleCallHold(service.application.dataSource, hold, {
      capture: null,
      entryId: randomUUID(),
      metadata: { reason: 'late' },
      at: new Date(),
      event: { ...event, streamId: `publisher-call-${randomUUID()}` },
    });
    expect(again).toEqual({ settled: false, captured: 35n, entryId, balance: null, noticed: false });
    expect(await balancesOf(org)).toEqual({ funded: 95n, promotional: 0n, held: 0n });
  });

  it('releases all of it back where it came from', async () => {
    const org = await wallet(30n, 100n);
    const hold = await held(org, 50n);
    const entryId = randomUUID();
    const settled = await settleCallHold(service.application.dataSource, hold, {
      capture: null,
      entryId,
      metadata: { reason: 'upstream 503' },
      at: new Date(),
    });
    expect(settled).toEqual({ settled: true, captured: null, entryId, balance: null, noticed: false });
    expect(await balancesOf(org)).toEqual({ funded: 100n, promotional: 30n, held: 0n });
    expect(await findHold(manager, hold.id)).toMatchObject({ status: 'released', captured: null });
    const { items } = await entriesOf(manager, {
      organizationId: org,
      kinds: ['hold_release'],
      limit: 10,
      offset: 0,
    });
    expect(items[0]).toMatchObject({
      metadata: { publisher_id: publisherId, hold_id: hold.id, reason: 'upstream 503' },
    });
  });

  it('25 concurrent holds of one wallet never overdraw it; capture racing release settles once', async () => {
    const org = await wallet(0n, 100n);
    const results = await Promise.all(Array.from({ length: 25 }, () => place(org, 10n)));
    expect(results.filter((r) => r.status === 'held')).toHaveLength(10);
    expect(results.filter((r) => r.status === 'insufficient')).toHaveLength(15);
    expect(await balancesOf(org)).toEqual({ funded: 0n, promotional: 0n, held: 100n });
    const hold = (results.find((r) => r.status === 'held') as { hold: CallHold }).hold;
    const race = await Promise.all([
      settleCallHold(service.application.dataSource, hold, {
        capture: 10n,
        entryId: randomUUID(),
        metadata: {},
        at: new Date(),
      }),
      settleCallHold(service.application.dataSource, hold, {
        capture: null,
        entryId: randomUUID(),
        metadata: {},
        at: new Date(),
      }),
    ]);
    expect(race.filter((r) => r.settled)).toHaveLength(1);
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(90n);
  });

  describe('low_balance_threshold', () => {
    const threshold = 60n;
    const call = async (org: string, amount: bigint, capture: bigint | null = amount, below = threshold) => {
      const placed = await placeCallHold(service.application.dataSource, {
        holdId: randomUUID(),
        organizationId: org,
        publisherId,
        asset: 'USDC',
        amount,
        minimum: null,
        expiresAt: new Date(Date.now() + 60_000),
        metadata: { kind: 'proxy', publisher_slug: 'fn-test', agent_id: '' },
        at: new Date(),
        lowBalanceThreshold: below,
      });
      if (placed.status !== 'held') throw new Error(placed.status);
      const callId = placed.hold.id;
      return settleCallHold(service.application.dataSource, placed.hold, {
        capture,
        entryId: randomUUID(),
        metadata: {},
        at: new Date(),
        lowBalance: {
          threshold: below,
          notice: {
            streamId: `low-balance-notice-${callId}`,
            streamType: 'low_balance_notice',
            events: service.application.store.encodeEvents([
              {
                type: 'LowBalanceThresholdCrossed',
                data: {
                  organizationId: org,
                  agentWallet: '0xabc',
                  agentId: null,
                  publisherId,
                  publisherSlug: 'fn-test',
                  callId,
                  asset: 'USDC',
                  balance: '0',
                  threshold: below.toString(),
                  at: new Date().toISOString(),
                },
              },
            ]),
          },
        },
      });
    };
    const notices = async (org: string) =>
      (
        (await manager.query(
          `select data from events where type = 'LowBalanceThresholdCrossed' and data->>'organizationId' = $1
           order by position`,
          [org],
        )) as { data: { balance: string; threshold: string } }[]
      ).map((row) => row.data.balance);

    it('answers the balance after a capture and notices once per crossing; a hold at or above the threshold re-arms it', async () => {
      const org = await wallet(0n, 100n);
      // 100 → 60: at the threshold, not below it
      expect(await call(org, 40n)).toMatchObject({ settled: true, balance: 60n, noticed: false });
      // 60 → 50: crosses it
      expect(await call(org, 10n)).toMatchObject({ balance: 50n, noticed: true });
      // 50 → 40: still below, no second notice
      expect(await call(org, 10n)).toMatchObject({ balance: 40n, noticed: false });
      // a release is not a paid call: no balance, no notice
      expect(await call(org, 10n, null)).toMatchObject({ settled: true, balance: null, noticed: false });
      expect(await notices(org)).toEqual(['50']);
      // topped up to 100: the next call finds it above (re-armed) and takes it below again: a new crossing
      await service.application.dataSource.transaction((m) => postEntry(m, credit(org, 'funded', 60n)));
      expect(await call(org, 55n)).toMatchObject({ balance: 45n, noticed: true });
      expect(await notices(org)).toEqual(['50', '45']);
      const [row] = await manager.query(
        `select balance::text, threshold::text from proxy_low_balance_notices where organization_id = $1`,
        [org],
      );
      expect(row).toEqual({ balance: '45', threshold: '60' });
    });

    it('promotional credit counts: spendable is funded + promotional', async () => {
      const org = await wallet(50n, 30n);
      expect(await call(org, 15n)).toMatchObject({ balance: 65n, noticed: false });
      expect(await call(org, 10n)).toMatchObject({ balance: 55n, noticed: true });
      expect(await balancesOf(org)).toEqual({ funded: 30n, promotional: 25n, held: 0n });
    });

    it('ten concurrent calls that cross it together notice once', async () => {
      const org = await wallet(0n, 100n);
      const settled = await Promise.all(Array.from({ length: 10 }, () => call(org, 10n, 10n, 55n)));
      expect(settled.every((s) => s.settled)).toBe(true);
      expect(settled.filter((s) => s.noticed)).toHaveLength(1);
      expect(await notices(org)).toHaveLength(1);
      expect(await balancesOf(org)).toEqual({ funded: 0n, promotional: 0n, held: 0n });
    });
  });

  it('refuses to run with functions other than the code defines', async () => {
    await expect(checkCallFunctions(manager)).resolves.toBeUndefined();
    // a stale body (as an older migration left it), inside a transaction rolled back
    await expect(
      service.application.dataSource.transaction(async (tx) => {
        const [place] = callFunctionsSql();
        await tx.query(place!.replace("'a hold is of a positive amount'", "'stale'"));
        await checkCallFunctions(tx);
      }),
    ).rejects.toThrow(/proxy_hold_place differs from proxy\/call-functions.ts/);
    await expect(checkCallFunctions(manager)).resolves.toBeUndefined();
  });
});
