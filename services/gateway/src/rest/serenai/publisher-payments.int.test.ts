import { accounts, agentWallet, postEntry } from '@seren/commerce/dist/ledger/index.js';
import { randomUUID } from 'node:crypto';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restAgent } from '../../test-support/rest-flows';

// SerenAI "publisher-payments" through the gateway: charges by the publisher's own API key, get,
// refund, slash, the wallet lookup; idempotency keys on the money POSTs.

describe('SerenAI publisher payments through the gateway', () => {
  let s: RestSuite;
  let publisher: { token: string; organizationId: string; slug: string };
  beforeAll(async () => {
    s = await startRestSuite();
    const owner = await restAgent(s, 'Publisher Co');
    const slug = `pub-${randomUUID().slice(0, 8)}`;
    await s.client.ok(
      'mutation($slug: String!) { registerPublisher(slug: $slug, name: "Weather API") { id } }',
      { slug },
      { token: owner.token },
    );
    publisher = { token: owner.token, organizationId: owner.organizationId, slug };
  });
  afterAll(() => s?.close());

  /** An agent whose wallet holds `funded` and `promotional` USDC atomic units. The deposit paths
   * (Stripe, x402) have tests of their own; here the ledger credits the wallet directly. */
  async function fundedAgent(funded: bigint, promotional = 0n) {
    const agent = await restAgent(s);
    await s.commerce.application.dataSource.transaction(async (tx) => {
      await postEntry(tx, {
        kind: 'deposit_test',
        reference: randomUUID(),
        organizationId: agent.organizationId,
        lines: [
          { account: accounts.agentFunded(agent.organizationId, 'USDC'), asset: 'USDC' as const, amount: funded },
          {
            account: accounts.agentPromotional(agent.organizationId, 'USDC'),
            asset: 'USDC' as const,
            amount: promotional,
          },
          {
            account: accounts.system('onchain_clearing', 'USDC'),
            asset: 'USDC' as const,
            amount: -(funded + promotional),
          },
        ].filter((line) => line.amount !== 0n),
      });
    });
    return { ...agent, wallet: agentWallet(agent.organizationId) };
  }

  const charge = (body: Record<string, unknown>, token = publisher.token, headers?: Record<string, string>) =>
    s.serenai('POST', `/billing/publishers/${publisher.slug}/charges`, { token, body, headers });
  const lookup = (wallet: string, token = publisher.token) =>
    s.serenai('GET', `/wallet/lookup/${wallet}`, { token });

  it('POST charges → 200: promotional credit first, then funded; GET answers it; the lookup shows what is left', async () => {
    const agent = await fundedAgent(10_000_000n, 1_000_000n);
    const r = await charge({ agent_wallet: agent.wallet, amount_atomic: 1_500_000, description: 'forecast' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: expect.objectContaining({
        publisher_slug: publisher.slug,
        agent_wallet: agent.wallet,
        asset_symbol: 'USDC',
        amount_atomic: 1_500_000,
        amount: '1.50',
        from_promotional_atomic: 1_000_000,
        from_funded_atomic: 500_000,
        status: 'succeeded',
        refunded_amount_atomic: 0,
      }),
      pagination: null,
    });
    const got = await s.serenai('GET', `/billing/publishers/${publisher.slug}/charges/${r.body.data.id}`, {
      token: publisher.token,
    });
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(r.body.data);
    const balance = await lookup(agent.wallet);
    expect(balance.status).toBe(200);
    expect(balance.body.data).toEqual({
      agent_wallet: agent.wallet,
      asset_symbol: 'USDC',
      balance_atomic: 9_500_000,
      balance: '9.50',
      funded_atomic: 9_500_000,
      promotional_atomic: 0,
    });
  });

  it('POST charges → 402 above the balance (and for a wallet the ledger never saw); nothing moves', async () => {
    const agent = await fundedAgent(1_000n);
    const r = await charge({ agent_wallet: agent.wallet, amount_atomic: 1_001, description: 'too much' });
    expect(r.status).toBe(402);
    expect(r.body).toEqual({ error: expect.any(String), message: 'Insufficient balance' });
    expect((await lookup(agent.wallet)).body.data.balance_atomic).toBe(1_000);
    const stranger = `0x${'ab'.repeat(20)}`;
    expect((await charge({ agent_wallet: stranger, amount_atomic: 1, description: 'x' })).status).toBe(402);
    expect((await lookup(stranger)).body.data.balance_atomic).toBe(0);
  });

  it('401 without a credential, 403 with another organization’s key, 404 for an unknown publisher or charge', async () => {
    const agent = await fundedAgent(1_000n);
    const body = { agent_wallet: agent.wallet, amount_atomic: 1, description: 'x' };
    expect((await s.serenai('POST', `/billing/publishers/${publisher.slug}/charges`, { body })).status).toBe(
      401,
    );
    const forbidden = await charge(body, agent.token);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    expect(
      (
        await s.serenai('POST', '/billing/publishers/no-such-publisher/charges', {
          token: publisher.token,
          body,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await s.serenai('GET', `/billing/publishers/${publisher.slug}/charges/${randomUUID()}`, {
          token: publisher.token,
        })
      ).status,
    ).toBe(404);
    // the lookup is for an organization that has a publisher
    expect((await lookup(agent.wallet, agent.token)).status).toBe(404);
    expect((await s.serenai('GET', `/wallet/lookup/${agent.wallet}`)).status).toBe(401);
  });

  it('idempotency: the same key (body field or header) and body answer the first charge, charged once; another body 400', async () => {
    const agent = await fundedAgent(10_000n);
    const key = randomUUID();
    const body = {
      agent_wallet: agent.wallet,
      amount_atomic: 3_000,
      description: 'once',
      idempotency_key: key,
    };
    const first = await charge(body);
    const again = await charge(body);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(first.body.data.idempotency_key).toBe(key);
    const other = await charge({ ...body, amount_atomic: 4_000 });
    expect(other.status).toBe(400);
    expect(other.body.error).toBe('IDEMPOTENCY_ERROR');

    const headerKey = randomUUID();
    const viaHeader = { agent_wallet: agent.wallet, amount_atomic: 2_000, description: 'header' };
    const [a, b] = await Promise.all([
      charge(viaHeader, publisher.token, { 'idempotency-key': headerKey }),
      charge(viaHeader, publisher.token, { 'idempotency-key': headerKey }),
    ]);
    // at the same moment: one charges, the other waits its turn (409 while in flight, or the replay)
    const statuses = [a.status, b.status].sort();
    expect([
      [200, 200],
      [200, 409],
    ]).toContainEqual(statuses);
    const replay = await charge(viaHeader, publisher.token, { 'idempotency-key': headerKey });
    expect(replay.body.data.id).toBe((a.status === 200 ? a : b).body.data.id);
    expect((await lookup(agent.wallet)).body.data.balance_atomic).toBe(10_000 - 3_000 - 2_000);
  });

  it('refund → 200 once: the charge goes back to the balances it came from; refunding again moves nothing', async () => {
    const agent = await fundedAgent(5_000n, 1_000n);
    const created = await charge({
      agent_wallet: agent.wallet,
      amount_atomic: 3_000,
      description: 'refund me',
    });
    const path = `/billing/publishers/${publisher.slug}/charges/${created.body.data.id}/refund`;
    const refunded = await s.serenai('POST', path, {
      token: publisher.token,
      body: { reason: 'upstream failed' },
    });
    expect(refunded.status).toBe(200);
    expect(refunded.body.data).toMatchObject({
      status: 'refunded',
      refunded_amount_atomic: 3_000,
      refund_reason: 'upstream failed',
      refunded_at: expect.any(String),
    });
    const twice = await s.serenai('POST', path, { token: publisher.token, body: { reason: 'again' } });
    expect(twice.status).toBe(200);
    expect(twice.body.data).toMatchObject({
      status: 'refunded',
      refunded_amount_atomic: 3_000,
      refund_reason: 'upstream failed',
    });
    expect((await lookup(agent.wallet)).body.data).toMatchObject({
      funded_atomic: 5_000,
      promotional_atomic: 1_000,
    });
    expect((await s.serenai('POST', path, { token: agent.token, body: { reason: 'x' } })).status).toBe(403);
  });

  it('slash → 204: moves the amount from the publisher back to the agent; beyond the charge 400; a refund then returns the rest', async () => {
    const agent = await fundedAgent(5_000n);
    const created = await charge({
      agent_wallet: agent.wallet,
      amount_atomic: 2_000,
      description: 'slash me',
    });
    const base = `/billing/publishers/${publisher.slug}/charges/${created.body.data.id}`;
    const slashed = await s.serenai('POST', `${base}/slash`, {
      token: publisher.token,
      body: { reason: 'bad data', slash_amount_atomic: 500 },
    });
    expect(slashed.status).toBe(204);
    expect(slashed.text).toBe('');
    expect((await lookup(agent.wallet)).body.data.balance_atomic).toBe(3_500);
    const beyond = await s.serenai('POST', `${base}/slash`, {
      token: publisher.token,
      body: { reason: 'greedy', slash_amount_atomic: 1_501 },
    });
    expect(beyond.status).toBe(400);
    const refunded = await s.serenai('POST', `${base}/refund`, {
      token: publisher.token,
      body: { reason: 'rest' },
    });
    expect(refunded.body.data).toMatchObject({ refunded_amount_atomic: 1_500, slashed_amount_atomic: 500 });
    expect((await lookup(agent.wallet)).body.data.balance_atomic).toBe(5_000);
    expect(
      (
        await s.serenai('POST', `${base}/slash`, {
          token: publisher.token,
          body: { reason: 'x', slash_amount_atomic: 1 },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await s.serenai('POST', `/billing/publishers/${publisher.slug}/charges/${randomUUID()}/slash`, {
          token: publisher.token,
          body: { reason: 'x', slash_amount_atomic: 1 },
        })
      ).status,
    ).toBe(404);
  });

  it('slash → 402 when the publisher’s earnings lack the amount', async () => {
    const owner = await restAgent(s, 'Small Publisher');
    const slug = `pub-${randomUUID().slice(0, 8)}`;
    await s.client.ok(
      'mutation($slug: String!) { registerPublisher(slug: $slug, name: "Small") { id } }',
      { slug },
      {
        token: owner.token,
      },
    );
    const agent = await fundedAgent(5_000n);
    const created = await s.serenai('POST', `/billing/publishers/${slug}/charges`, {
      token: owner.token,
      body: { agent_wallet: agent.wallet, amount_atomic: 1_000, description: 'x' },
    });
    const base = `/billing/publishers/${slug}/charges/${created.body.data.id}`;
    // the earnings leave (as a payout would): the charge's 1,000 are no longer there
    const publisherId = created.body.data.publisher_id as string;
    await s.commerce.application.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'payout_test',
        reference: randomUUID(),
        lines: [
          { account: accounts.publisherEarnings(publisherId, 'USDC'), asset: 'USDC', amount: -1_000n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: 1_000n },
        ],
      }),
    );
    const r = await s.serenai('POST', `${base}/slash`, {
      token: owner.token,
      body: { reason: 'x', slash_amount_atomic: 100 },
    });
    expect(r.status).toBe(402);
  });
});
