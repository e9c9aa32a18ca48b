import { randomUUID } from 'node:crypto';
import { v1PayingFetch, v2PayingFetch } from '@seren/commerce/dist/x402/test-support/clients.js';
import { ANVIL_DEV_KEYS, asCaller, graphql, infraChainEnv } from '@seren/testing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restAgent } from '../../test-support/rest-flows';

// SerenAI's x402 deposit through the gateway: the 402's requirements (PAYMENT-REQUIRED header and
// the v1 body) pass through, the payment headers reach commerce, the settlement headers come back,
// and commerce's errors are SerenAI's error bodies. Paid with the official clients on the local chain.

const chain = infraChainEnv();
const decode = (header: string | null) => JSON.parse(Buffer.from(header!, 'base64').toString('utf8'));

describe('SerenAI x402 deposits through the gateway', () => {
  let s: RestSuite;
  let publisherId: string;
  beforeAll(async () => {
    s = await startRestSuite();
    const owner = `org-${randomUUID()}`;
    const { data, errors } = await graphql<{ registerPublisher: { id: string } }>(
      s.commerce.url,
      `mutation { registerPublisher(slug: "gw-x402-${randomUUID().slice(0, 8)}", name: "gateway x402") { id } }`,
      {},
      await asCaller({ subject: `user-${owner}`, organizationId: owner, permissions: ['publisher.manage'] }),
    );
    expect(errors).toBeUndefined();
    publisherId = data!.registerPublisher.id;
  });
  afterAll(() => s?.close());

  const deposit = (token: string, amount: string) => ({
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount, publisher_id: publisherId }),
  });
  const url = () => `${s.gateway.listeners.serenai.url}/wallet/deposit/crypto`;

  it("POST /wallet/deposit/crypto → 402 with the v2 header and the v1 body; 401 without a credential; 400 and 404 in SerenAI's shape", async () => {
    const agent = await restAgent(s);
    const r = await s.serenai('POST', '/wallet/deposit/crypto', {
      token: agent.token,
      body: { amount: '4.20', publisher_id: publisherId },
    });
    expect(r.status).toBe(402);
    expect(decode(r.headers.get('payment-required'))).toMatchObject({
      x402Version: 2,
      accepts: [{ scheme: 'exact', network: 'eip155:84532', amount: '4200000', asset: chain.USDC_ADDRESS }],
    });
    expect(r.body).toMatchObject({
      x402Version: 1,
      accepts: [{ scheme: 'exact', network: 'base-sepolia', maxAmountRequired: '4200000' }],
    });
    expect(
      (
        await s.serenai('POST', '/wallet/deposit/crypto', {
          body: { amount: '1', publisher_id: publisherId },
        })
      ).status,
    ).toBe(401);
    const bad = await s.serenai('POST', '/wallet/deposit/crypto', {
      token: agent.token,
      body: { amount: 'ten', publisher_id: publisherId },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.any(String), message: expect.any(String) });
    const unknown = await s.serenai('POST', '/wallet/deposit/crypto', {
      token: agent.token,
      body: { amount: '1', publisher_id: randomUUID() },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: 'PUBLISHER_NOT_FOUND', message: 'Publisher not found' });
  });

  it('@x402/fetch (v2) and x402-fetch (v1) pay through the gateway; the settlement headers come back and the replay is refused', async () => {
    const agent = await restAgent(s);
    const sent: string[] = [];
    const v2 = await v2PayingFetch(ANVIL_DEV_KEYS[6], chain.USDC_ADDRESS as `0x${string}`, { sent })(
      url(),
      deposit(agent.token, '2.00'),
    );
    expect(v2.status).toBe(200);
    const body = (await v2.json()) as { tx_hash: string; deposited_amount: string; balance_amount: string };
    expect(body).toMatchObject({
      deposited_amount: '2.00',
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(decode(v2.headers.get('payment-response'))).toMatchObject({
      success: true,
      transaction: body.tx_hash,
    });

    const v1 = await v1PayingFetch(ANVIL_DEV_KEYS[6], chain.RPC_URL!)(url(), deposit(agent.token, '0.50'));
    expect(v1.status).toBe(200);
    const second = (await v1.json()) as { tx_hash: string; balance_amount: string };
    expect(decode(v1.headers.get('x-payment-response'))).toMatchObject({
      success: true,
      network: 'base-sepolia',
    });
    expect(second.balance_amount).toBe('2.50');

    const replay = await fetch(url(), {
      ...deposit(agent.token, '2.00'),
      headers: { ...deposit(agent.token, '2.00').headers, 'PAYMENT-SIGNATURE': sent[0]! },
    });
    expect(replay.status).toBe(402);
    expect(decode(replay.headers.get('payment-required')).error).toBe('invalid_exact_evm_nonce_already_used');
  });

  it("GET /payments/supported → the facilitator's kinds, extensions and signers", async () => {
    const r = await s.serenai('GET', '/payments/supported');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      kinds: expect.arrayContaining([
        { x402Version: 2, scheme: 'exact', network: 'eip155:84532' },
        { x402Version: 1, scheme: 'exact', network: 'base-sepolia' },
      ]),
      extensions: [],
      signers: { 'eip155:*': [expect.stringMatching(/^0x[0-9a-fA-F]{40}$/)] },
    });
  });
});
