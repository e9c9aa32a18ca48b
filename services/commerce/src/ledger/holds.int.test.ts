import { randomUUID } from 'node:crypto';
import { isDomainError } from '@seren/service-kit/errors';
import { testServiceEnv } from '@seren/testing';
import type { EntityManager } from 'typeorm';
import { startCommerceService, type CommerceService } from '../service';
import {
  accounts,
  balanceOf,
  balances,
  captureHold,
  entriesOf,
  pendingHolds,
  placeHold,
  postEntry,
  releaseHold,
} from './index';

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

const reasonOf = (error: unknown) => (isDomainError(error) ? `${error.code}/${error.reason}` : String(error));

describe('holds in the ledger', () => {
  let service: CommerceService;
  let tx: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;
  let manager: EntityManager;
  const now = () => new Date();
  const later = () => new Date(Date.now() + 60_000);

  beforeAll(async () => {
    service = await startCommerceService(testServiceEnv('commerce', { embedded: true }));
    tx = (work) => service.application.dataSource.transaction(work);
    manager = service.application.dataSource.manager;
  });
  afterAll(() => service?.close());

  async function wallet(promotional: bigint, funded: bigint) {
    const org = randomUUID();
    if (promotional > 0n) await tx((m) => postEntry(m, credit(org, 'promotional', promotional)));
    if (funded > 0n) await tx((m) => postEntry(m, credit(org, 'funded', funded)));
    return org;
  }

  const hold = (org: string, publisherId: string, amount: bigint, holdId = randomUUID()) =>
    tx((m) =>
      placeHold(m, {
        holdId,
        organizationId: org,
        publisherId,
        asset: 'USDC',
        amount,
        expiresAt: later(),
        metadata: { kind: 'proxy' },
        at: now(),
      }),
    );

  it('holds promotional credit first, then funded; the held money leaves the balance and is pending for the publisher', async () => {
    const org = await wallet(300n, 1_000n);
    const publisher = randomUUID();
    const placed = await hold(org, publisher, 500n);
    expect(placed).toMatchObject({ status: 'held', amount: 500n, fromPromotional: 300n, fromFunded: 200n });
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 800n, promotional: 0n });
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(500n);
    expect(await pendingHolds(manager, publisher)).toEqual([{ asset: 'USDC', amount: 500n, count: 1 }]);
  });

  it('placing the same hold again moves nothing and answers the first', async () => {
    const org = await wallet(0n, 1_000n);
    const id = randomUUID();
    const first = await hold(org, 'p', 400n, id);
    const again = await hold(org, 'p', 400n, id);
    expect(again.holdEntryId).toBe(first.holdEntryId);
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 600n, promotional: 0n });
  });

  it('refuses with 402 a hold the wallet cannot cover, and nothing moves', async () => {
    const org = await wallet(100n, 100n);
    expect(await hold(org, 'p', 201n).then(() => 'held', reasonOf)).toBe(
      'PAYMENT_REQUIRED/INSUFFICIENT_FUNDS',
    );
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 100n, promotional: 100n });
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(0n);
  });

  it('captures into the earnings as a usage charge; what is not captured goes back, funded first', async () => {
    const org = await wallet(300n, 1_000n);
    const publisher = randomUUID();
    const placed = await hold(org, publisher, 500n);
    const captured = await tx((m) =>
      captureHold(m, placed.id, { amount: 350n, metadata: { publisher_slug: 'x' }, at: now() }),
    );
    expect(captured.settled).toBe(true);
    expect(captured.hold).toMatchObject({ status: 'captured', captured: 350n });
    // held 300 promotional + 200 funded; 150 back: all to funded (it was spent last)
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 950n, promotional: 0n });
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(0n);
    expect(await balanceOf(manager, accounts.publisherEarnings(publisher, 'USDC'))).toBe(350n);
    expect(await pendingHolds(manager, publisher)).toEqual([]);
    const { items } = await entriesOf(manager, {
      organizationId: org,
      kinds: ['charge'],
      limit: 10,
      offset: 0,
    });
    expect(items).toHaveLength(1);
    expect(items[0]!.reference).toBe(placed.id);
    expect(items[0]!.metadata).toMatchObject({
      publisher_id: publisher,
      publisher_slug: 'x',
      hold_id: placed.id,
    });
  });

  it('releases all of it back to where it came from', async () => {
    const org = await wallet(300n, 1_000n);
    const placed = await hold(org, 'p', 500n);
    const released = await tx((m) => releaseHold(m, placed.id, { reason: 'upstream 503', at: now() }));
    expect(released).toMatchObject({ settled: true, hold: { status: 'released', captured: null } });
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 1_000n, promotional: 300n });
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(0n);
  });

  it('settles once: a capture and a release racing, one of them moves the money, the other nothing', async () => {
    for (let round = 0; round < 10; round++) {
      const org = await wallet(0n, 1_000n);
      const publisher = randomUUID();
      const placed = await hold(org, publisher, 1_000n);
      const [c, r] = await Promise.all([
        tx((m) => captureHold(m, placed.id, { amount: 1_000n, at: now() })),
        tx((m) => releaseHold(m, placed.id, { reason: 'sweep', at: now() })),
      ]);
      expect([c.settled, r.settled].filter(Boolean)).toHaveLength(1);
      const earned = await balanceOf(manager, accounts.publisherEarnings(publisher, 'USDC'));
      const { funded } = await balances(manager, org, 'USDC');
      expect(earned + funded).toBe(1_000n);
      expect(earned === 1_000n ? c.settled : r.settled).toBe(true);
      // and settling again moves nothing
      const again = await tx((m) => releaseHold(m, placed.id, { reason: 'again', at: now() }));
      expect(again.settled).toBe(false);
    }
  });

  it('concurrent holds of one wallet never overdraw it', async () => {
    const org = await wallet(0n, 1_000n);
    const results = await Promise.allSettled(Array.from({ length: 25 }, () => hold(org, 'p', 100n)));
    const placed = results.filter((r) => r.status === 'fulfilled');
    expect(placed).toHaveLength(10);
    for (const r of results)
      if (r.status === 'rejected') expect(reasonOf(r.reason)).toBe('PAYMENT_REQUIRED/INSUFFICIENT_FUNDS');
    expect(await balances(manager, org, 'USDC')).toEqual({ funded: 0n, promotional: 0n });
    expect(await balanceOf(manager, accounts.agentHeld(org, 'USDC'))).toBe(1_000n);
  });
});
