import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  ANVIL_DEV_KEYS,
  asCaller,
  graphql,
  infraChainEnv,
  startPrivateChain,
  testServiceEnv,
  type PrivateChain,
} from '@seren/testing';
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  decodePaymentSignatureHeader,
} from '@x402/core/http';
import { ExactEvmScheme } from '@x402/evm';
import { wrapFetchWithPaymentFromConfig } from '@x402/fetch';
import pg from 'pg';
import { createPublicClient, http, parseAbi, type Address, type Hex } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { accounts, balances, postEntry } from '../ledger/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { NONCE_ALREADY_USED } from './deposit.js';
import { v1PayingFetch, v2PayingFetch } from './test-support/clients.js';
import { startCommerceChild } from './test-support/commerce-process.js';

// x402 deposits against the real local chain (infra's anvil with Circle's FiatTokenV2_2 USDC), paid
// by the official clients: @x402/fetch (v2) with a viem account and the legacy x402-fetch (v1) with
// a viem wallet client. Dev account 3 settles for this file (its own nonces), 4 and 5 pay.

// This file turns automine off (the pending and the killed settlements): on a chain of its own, a copy
// of infra/'s, so the other suites' settlements on the shared chain never wait on it. Same addresses.
let chain: PrivateChain;
let chainEnv: Record<string, string>;
beforeAll(async () => {
  chain = await startPrivateChain();
  chainEnv = chain.env;
}, 60_000);
afterAll(() => chain?.close());
const usdc = infraChainEnv().USDC_ADDRESS as Address;
const payTo = infraChainEnv().X402_PAY_TO as Address;
const facilitatorKey = ANVIL_DEV_KEYS[3];
const payerV2 = privateKeyToAccount(ANVIL_DEV_KEYS[4]);
const erc20 = parseAbi(['function balanceOf(address) view returns (uint256)']);

describe('x402 deposits: POST /wallet/deposit/crypto settled on the local chain', () => {
  let service: CommerceService;
  const organizationId = `org-${randomUUID()}`;
  const publisherOrganization = `org-${randomUUID()}`;
  let publisherId: string;
  const agent = () => asCaller({ subject: `agent-${organizationId}`, kind: 'agent', organizationId });
  const url = () => `${service.url}/internal/wallet/deposit/crypto`;

  beforeAll(async () => {
    service = await startCommerceService(
      testServiceEnv('commerce', {
        // a short receipt wait, for the pending-settlement test (anvil mines at once otherwise)
        env: {
          ...chainEnv,
          X402_FACILITATOR_PRIVATE_KEY: facilitatorKey,
          X402_CONFIRMATION_TIMEOUT_MS: '1500',
        },
      }),
    );
    const { data, errors } = await graphql<{ registerPublisher: { id: string } }>(
      service.url,
      `mutation { registerPublisher(slug: "x402-${randomUUID().slice(0, 8)}", name: "x402 test") { id } }`,
      {},
      await asCaller({
        subject: `user-${publisherOrganization}`,
        organizationId: publisherOrganization,
        permissions: ['publisher.manage'],
      }),
    );
    expect(errors).toBeUndefined();
    publisherId = data!.registerPublisher.id;
  });
  afterAll(async () => {
    await service?.close();
  });

  const funded = async () =>
    (await service.dataSource.transaction((tx) => balances(tx, organizationId, 'USDC'))).funded;
  const onChain = (address: Address) =>
    service.application.x402.chain.publicClient.readContract({
      address: usdc,
      abi: erc20,
      functionName: 'balanceOf',
      args: [address],
    });
  const body = (amount: string) => JSON.stringify({ amount, publisher_id: publisherId });
  const post = async (amount: string, headers: Record<string, string> = {}) =>
    fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await agent()), ...headers },
      body: body(amount),
    });

  /** @x402/fetch with a viem account; records the payment header it sent */
  const v2Client = (sent: string[]) => v2PayingFetch(ANVIL_DEV_KEYS[4], usdc, { sent });

  it('answers 402 with the requirements as v2 (PAYMENT-REQUIRED, CAIP-2) and v1 (body accepts, base-sepolia)', async () => {
    const response = await post('2.50');
    expect(response.status).toBe(402);
    const required = decodePaymentRequiredHeader(response.headers.get('payment-required')!);
    expect(required).toMatchObject({
      x402Version: 2,
      resource: { url: expect.stringMatching(/\/wallet\/deposit\/crypto$/) },
      accepts: [
        {
          scheme: 'exact',
          network: 'eip155:84532',
          asset: usdc,
          amount: '2500000',
          payTo,
          extra: { name: 'USDC', version: '2' },
        },
      ],
    });
    expect(await response.json()).toMatchObject({
      x402Version: 1,
      error: expect.any(String),
      accepts: [
        {
          scheme: 'exact',
          network: 'base-sepolia',
          maxAmountRequired: '2500000',
          asset: usdc,
          payTo,
          resource: expect.stringMatching(/^http/),
          extra: { name: 'USDC', version: '2' },
        },
      ],
    });
  });

  it('v2: @x402/fetch with a viem account pays the 402; the USDC moves on-chain and the wallet is credited by that transaction', async () => {
    const before = await funded();
    const treasuryBefore = await onChain(payTo);
    const sent: string[] = [];
    const response = await v2Client(sent)(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await agent()) },
      body: body('3.25'),
    });
    expect(response.status).toBe(200);
    const deposit = (await response.json()) as Record<string, string>;
    expect(deposit).toEqual({
      agent_wallet: expect.stringMatching(/^0x[0-9a-f]{40}$/),
      asset_symbol: 'USDC',
      balance_amount: expect.any(String),
      deposited_amount: '3.25',
      message: expect.any(String),
      publisher_id: publisherId,
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    const settlement = decodePaymentResponseHeader(response.headers.get('payment-response')!);
    expect(settlement).toMatchObject({
      success: true,
      network: 'eip155:84532',
      transaction: deposit.tx_hash,
    });
    expect(sent).toHaveLength(1);
    expect(decodePaymentSignatureHeader(sent[0]!).x402Version).toBe(2);

    const receipt = await service.application.x402.chain.publicClient.getTransactionReceipt({
      hash: deposit.tx_hash as Hex,
    });
    expect(receipt.status).toBe('success');
    expect((await onChain(payTo)) - treasuryBefore).toBe(3_250_000n);
    expect((await funded()) - before).toBe(3_250_000n);
    const entries: { kind: string; reference: string }[] = await service.dataSource.query(
      `select kind, reference from ledger_entries where organization_id = $1 and kind = 'deposit_x402' and reference = $2`,
      [organizationId, deposit.tx_hash],
    );
    expect(entries).toHaveLength(1);
    const events: { type: string }[] = await service.dataSource.query(
      `select type from events where stream_id = $1`,
      [`x402-deposit-${deposit.tx_hash}`],
    );
    expect(events.map((e) => e.type)).toEqual(['X402DepositSettled']);

    // the same signed authorization again: refused, nothing more moves
    const replay = await post('3.25', { 'PAYMENT-SIGNATURE': sent[0]! });
    expect(replay.status).toBe(402);
    expect(decodePaymentRequiredHeader(replay.headers.get('payment-required')!).error).toBe(
      NONCE_ALREADY_USED,
    );
    expect((await funded()) - before).toBe(3_250_000n);
    expect((await onChain(payTo)) - treasuryBefore).toBe(3_250_000n);
  });

  it('v1: the legacy x402-fetch client with a viem wallet client pays over X-PAYMENT and is credited; its replay is refused', async () => {
    const before = await funded();
    const sent: string[] = [];
    const pay = v1PayingFetch(ANVIL_DEV_KEYS[5], chainEnv.RPC_URL!, { sent, maxAtomic: 10_000_000n });
    const response = await pay(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await agent()) },
      body: body('1.5'),
    });
    expect(response.status).toBe(200);
    const deposit = (await response.json()) as Record<string, string>;
    expect(deposit).toMatchObject({
      deposited_amount: '1.50',
      tx_hash: expect.stringMatching(/^0x[0-9a-f]{64}$/),
    });
    expect(decodePaymentResponseHeader(response.headers.get('x-payment-response')!)).toMatchObject({
      success: true,
      network: 'base-sepolia',
      transaction: deposit.tx_hash,
    });
    expect(response.headers.get('payment-response')).toBeNull();
    expect((await funded()) - before).toBe(1_500_000n);

    const replay = await post('1.5', { 'X-PAYMENT': sent[0]! });
    expect(replay.status).toBe(402);
    expect(((await replay.json()) as { error: string }).error).toBe(NONCE_ALREADY_USED);
    expect((await funded()) - before).toBe(1_500_000n);
  });

  it('settles one authorization once when it arrives twice at the same moment', async () => {
    const before = await funded();
    const treasuryBefore = await onChain(payTo);
    const header = await signedHeader('0.75');
    const answers = await Promise.all([
      post('0.75', { 'PAYMENT-SIGNATURE': header }),
      post('0.75', { 'PAYMENT-SIGNATURE': header }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 402]);
    expect((await funded()) - before).toBe(750_000n);
    expect((await onChain(payTo)) - treasuryBefore).toBe(750_000n);
  });

  it('credits a settlement whose credit was lost (mined, then the process died) with that transaction, without sending again', async () => {
    const before = await funded();
    const treasuryBefore = await onChain(payTo);
    const header = await signedHeader('1.00');
    // the settlement as the facilitator sent it, with no credit recorded: what a crash leaves
    const payload = decodePaymentSignatureHeader(header);
    const settled = await service.application.x402.facilitator.settle(payload, payload.accepted);
    expect(settled.success).toBe(true);
    expect((await onChain(payTo)) - treasuryBefore).toBe(1_000_000n);
    expect((await funded()) - before).toBe(0n);

    const retry = await post('1.00', { 'PAYMENT-SIGNATURE': header });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { tx_hash: string }).tx_hash).toBe(settled.transaction.toLowerCase());
    expect((await funded()) - before).toBe(1_000_000n);
    expect((await onChain(payTo)) - treasuryBefore).toBe(1_000_000n);
  });

  it('a settlement whose receipt does not come in time answers settlement_pending, keeps its hash, and the retry credits that transaction without sending another', async () => {
    const before = await funded();
    const treasuryBefore = await onChain(payTo);
    const header = await signedHeader('0.40');
    await rpc('evm_setAutomine', [false]);
    let pending: Response;
    try {
      pending = await post('0.40', { 'PAYMENT-SIGNATURE': header });
    } finally {
      await rpc('evm_setAutomine', [true]);
    }
    expect(pending.status).toBe(402);
    expect(decodePaymentRequiredHeader(pending.headers.get('payment-required')!).error).toBe(
      'settlement_pending',
    );
    expect((await funded()) - before).toBe(0n);
    const remembered: { tx_hash: string }[] = await service.dataSource.query(
      `select tx_hash from x402_pending_settlements`,
    );
    expect(remembered).toHaveLength(1);
    await rpc('evm_mine');

    const retry = await post('0.40', { 'PAYMENT-SIGNATURE': header });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { tx_hash: string }).tx_hash).toBe(remembered[0]!.tx_hash.toLowerCase());
    expect((await funded()) - before).toBe(400_000n);
    expect((await onChain(payTo)) - treasuryBefore).toBe(400_000n);
    expect(await service.dataSource.query(`select 1 from x402_pending_settlements`)).toEqual([]);
  });

  it("collects what Stripe took back beyond the balance from the next x402 deposits, in the credit's transaction, once per settlement; every entry balances", async () => {
    // an organization of its own: what it owes must not reach the other tests' deposits
    const debtor = `org-${randomUUID()}`;
    const losses = accounts.system('stripe_losses', 'USDC');
    const debtorFunded = accounts.agentFunded(debtor, 'USDC');
    const fundedOf = async () =>
      (await service.dataSource.transaction((tx) => balances(tx, debtor, 'USDC'))).funded;
    const postAs = async (amount: string, header: string) =>
      fetch(url(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'PAYMENT-SIGNATURE': header,
          ...(await asCaller({ subject: `agent-${debtor}`, kind: 'agent', organizationId: debtor })),
        },
        body: body(amount),
      });
    const webhook = async (event: Record<string, unknown>) => {
      const payload = JSON.stringify(event);
      const signature = service.application.stripe.client.webhooks.generateTestHeaderString({
        payload,
        secret: service.application.stripe.webhookSecret,
      });
      const response = await fetch(`${service.url}/internal/webhooks/stripe`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
        body: payload,
      });
      expect(response.status).toBe(200);
    };

    // a card deposit of 10 USD (stripe-mock's PaymentIntent, credited by the signed webhook) ...
    await service.dataSource.query(
      `insert into wallet_recovery_setups (user_id, set_up_at) values ($1, now())`,
      [`user-${debtor}`],
    );
    const started = await graphql<{ createStripeDeposit: { depositId: string; paymentIntentId: string } }>(
      service.url,
      `
        mutation {
          createStripeDeposit(amountCents: 1000) {
            depositId
            paymentIntentId
          }
        }
      `,
      {},
      await asCaller({ subject: `user-${debtor}`, organizationId: debtor, permissions: ['billing.manage'] }),
    );
    expect(started.errors).toBeUndefined();
    const { depositId, paymentIntentId } = started.data!.createStripeDeposit;
    const created = Math.floor(Date.now() / 1000);
    await webhook({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created,
      data: {
        object: {
          id: paymentIntentId,
          object: 'payment_intent',
          amount: 1000,
          amount_received: 1000,
          currency: 'usd',
          status: 'succeeded',
          metadata: { deposit_id: depositId, organization_id: debtor },
        },
      },
    });
    expect(await fundedOf()).toBe(10_000_000n);
    // ... 8 USDC of it spent, then the whole deposit disputed: 8 USDC is the shortfall
    await service.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'test_spend',
        reference: randomUUID(),
        organizationId: debtor,
        lines: [
          { account: debtorFunded, asset: 'USDC', amount: -8_000_000n },
          { account: accounts.system('fees', 'USDC'), asset: 'USDC', amount: 8_000_000n },
        ],
      }),
    );
    await webhook({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'charge.dispute.created',
      created,
      data: {
        object: {
          id: `dp_${randomUUID().slice(0, 12)}`,
          object: 'dispute',
          amount: 1000,
          currency: 'usd',
          charge: `ch_${depositId.slice(0, 8)}`,
          payment_intent: paymentIntentId,
          reason: 'fraudulent',
          status: 'needs_response',
        },
      },
    });
    expect(await fundedOf()).toBe(0n);
    const owed = async () => {
      const [row] = (await service.dataSource.query(
        `select coalesce(-sum(l.amount), 0)::text as owed from ledger_entries e
         join ledger_lines l on l.entry_id = e.id and l.account = $2 where e.organization_id = $1`,
        [debtor, losses],
      )) as { owed: string }[];
      return BigInt(row!.owed);
    };
    expect(await owed()).toBe(8_000_000n);
    const collections = async () =>
      (await service.dataSource.query(
        `select e.reference, e.metadata, json_object_agg(l.account, l.amount::text) as lines
         from ledger_entries e join ledger_lines l on l.entry_id = e.id
         where e.kind = 'stripe_shortfall_collected' and e.organization_id = $1
         group by e.id order by e.created_at, e.reference`,
        [debtor],
      )) as { reference: string; metadata: Record<string, string>; lines: Record<string, string> }[];
    const treasuryBefore = await onChain(payTo);

    // the first x402 deposit (5 USDC) pays 5 of the 8 back: the balance says what is left to spend
    const first = await postAs('5.00', await signedHeader('5.00'));
    expect(first.status).toBe(200);
    const firstBody = (await first.json()) as {
      tx_hash: string;
      deposited_amount: string;
      balance_amount: string;
    };
    expect(firstBody).toMatchObject({ deposited_amount: '5.00', balance_amount: '0.00' });
    expect(await fundedOf()).toBe(0n);
    expect(await owed()).toBe(3_000_000n);

    // the next one's credit was lost (mined, then the process died): its retry credits it and
    // collects the remaining 3 once; the replay after that collects nothing more
    const header = await signedHeader('4.00');
    const payload = decodePaymentSignatureHeader(header);
    const settled = await service.application.x402.facilitator.settle(payload, payload.accepted);
    expect(settled.success).toBe(true);
    expect(await fundedOf()).toBe(0n);
    const retry = await postAs('4.00', header);
    expect(retry.status).toBe(200);
    const retryBody = (await retry.json()) as { tx_hash: string; balance_amount: string };
    expect(retryBody).toMatchObject({ tx_hash: settled.transaction.toLowerCase(), balance_amount: '1.00' });
    const replay = await postAs('4.00', header);
    expect(replay.status).toBe(402);
    expect(await fundedOf()).toBe(1_000_000n);
    expect(await owed()).toBe(0n);

    // nothing is owed any more: a third deposit is the organization's whole
    const third = await postAs('0.50', await signedHeader('0.50'));
    expect(third.status).toBe(200);
    expect(await fundedOf()).toBe(1_500_000n);
    expect((await onChain(payTo)) - treasuryBefore).toBe(9_500_000n);

    expect(await collections()).toEqual([
      {
        reference: firstBody.tx_hash,
        metadata: expect.objectContaining({
          tx_hash: firstBody.tx_hash,
          network: 'eip155:84532',
          owed_atomic: '8000000',
          collected_atomic: '5000000',
        }),
        lines: { [debtorFunded]: '-5000000', [losses]: '5000000' },
      },
      {
        reference: retryBody.tx_hash,
        metadata: expect.objectContaining({ owed_atomic: '3000000', collected_atomic: '3000000' }),
        lines: { [debtorFunded]: '-3000000', [losses]: '3000000' },
      },
    ]);
    // the ledger's invariants over this organization's entries: each balances per asset, one credit
    // per settlement, and the funded balance is the sum of its lines, never below zero
    expect(
      await service.dataSource.query(
        `select l.entry_id, l.asset from ledger_lines l join ledger_entries e on e.id = l.entry_id
         where e.organization_id = $1 group by l.entry_id, l.asset having sum(l.amount) <> 0`,
        [debtor],
      ),
    ).toEqual([]);
    expect(
      await service.dataSource.query(
        `select reference from ledger_entries where organization_id = $1 and kind in ('deposit_x402', 'stripe_shortfall_collected')
         group by kind, reference having count(*) > 1`,
        [debtor],
      ),
    ).toEqual([]);
    const [sums] = (await service.dataSource.query(
      `select (select coalesce(sum(amount), 0)::text from ledger_lines where account = $1) as lines,
              (select coalesce(sum(balance), 0)::text from ledger_balances where account = $1) as balance`,
      [debtorFunded],
    )) as { lines: string; balance: string }[];
    expect(sums).toEqual({ lines: '1500000', balance: '1500000' });
  });

  it('refuses a payment for another amount than the body asks, and answers 404 and 400 as documented', async () => {
    const header = await signedHeader('0.10');
    const mismatch = await post('5.00', { 'PAYMENT-SIGNATURE': header });
    expect(mismatch.status).toBe(402);
    expect(decodePaymentRequiredHeader(mismatch.headers.get('payment-required')!).error).toBe(
      'payment_requirements_mismatch',
    );

    const unknown = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await agent()) },
      body: JSON.stringify({ amount: '1.00', publisher_id: randomUUID() }),
    });
    expect(unknown.status).toBe(404);
    const asset = async (asset_id: unknown) =>
      (
        await fetch(url(), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await agent()) },
          body: JSON.stringify({ amount: '1.00', publisher_id: publisherId, asset_id }),
        })
      ).status;
    expect(await asset('USDC')).toBe(402);
    expect(await asset(usdc.toLowerCase())).toBe(402);
    expect(await asset('ETH')).toBe(400);
    for (const amount of ['-1', '0', 'ten', '1.0000001']) {
      const bad = await post(amount);
      expect({ amount, status: bad.status }).toEqual({ amount, status: 400 });
    }
  });

  it('GET /payments/supported lists the facilitator kinds (v2 CAIP-2 and v1 named), extensions and signers', async () => {
    const response = await fetch(`${service.url}/internal/payments/supported`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      kinds: expect.arrayContaining([
        { x402Version: 2, scheme: 'exact', network: 'eip155:84532' },
        { x402Version: 1, scheme: 'exact', network: 'base-sepolia' },
      ]),
      extensions: [],
      signers: { 'eip155:*': [privateKeyToAccount(facilitatorKey).address] },
    });
  });

  it('the same discovery over GraphQL: x402Supported (public)', async () => {
    const { data, errors } = await graphql<{ x402Supported: unknown }>(
      service.url,
      `
        {
          x402Supported {
            kinds {
              x402Version
              scheme
              network
            }
            extensions
            signers {
              family
              addresses
            }
          }
        }
      `,
    );
    expect(errors).toBeUndefined();
    expect(data!.x402Supported).toEqual({
      kinds: expect.arrayContaining([
        { x402Version: 2, scheme: 'exact', network: 'eip155:84532' },
        { x402Version: 1, scheme: 'exact', network: 'base-sepolia' },
      ]),
      extensions: [],
      signers: [{ family: 'eip155:*', addresses: [privateKeyToAccount(facilitatorKey).address] }],
    });
  });

  /** A v2 payment header for `amount`, signed by the official client from the 402's requirements. */
  async function signedHeader(amount: string): Promise<string> {
    const sent: string[] = [];
    // a fetch that records the signed header and answers 402 again instead of letting it through
    await wrapFetchWithPaymentFromConfig(
      async (input, init) => {
        const request = new Request(input, init);
        const header = request.headers.get('PAYMENT-SIGNATURE');
        if (header) {
          sent.push(header);
          return new Response('{}', { status: 499 });
        }
        return fetch(request);
      },
      {
        schemes: [{ network: 'eip155:*', client: new ExactEvmScheme(payerV2) }],
        spendControls: { allowedAssets: [{ network: 'eip155:84532', asset: usdc }] },
      },
    )(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await agent()) },
      body: body(amount),
    });
    expect(sent).toHaveLength(1);
    return sent[0]!;
  }
});

// A commerce process SIGKILLed while its settlement is broadcast but not yet mined (anvil's automine
// off): nothing was credited, the transaction mines afterwards, and a new process given the same
// payment header credits that transaction once, without sending another. Dev account 9 settles
// there, 5 pays. In this file, not its own: it turns anvil's automine off, like the pending test above.
const chainClient = () => createPublicClient({ transport: http(chainEnv.RPC_URL) });
const rpc = async (method: string, params: unknown[] = []) => {
  const response = await fetch(chainEnv.RPC_URL!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return ((await response.json()) as { result: unknown }).result;
};

describe('x402 deposits: a commerce process killed mid-settlement', () => {
  // one database for both processes; the chain is known once the file's beforeAll ran
  let env: ReturnType<typeof testServiceEnv>;
  beforeAll(() => {
    env = testServiceEnv('commerce', {
      env: { ...chainEnv, X402_FACILITATOR_PRIVATE_KEY: ANVIL_DEV_KEYS[9] },
    });
  });
  const organizationId = `org-${randomUUID()}`;
  const children: ChildProcess[] = [];
  afterAll(async () => {
    await rpc('evm_setAutomine', [true]);
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('credits the transaction the dead process sent, once, when the same payment comes again', async () => {
    const first = await startCommerceChild(env);
    children.push(first.child);
    const owner = `org-${randomUUID()}`;
    const registered = await graphql<{ registerPublisher: { id: string } }>(
      first.url,
      `mutation { registerPublisher(slug: "kill-${randomUUID().slice(0, 8)}", name: "kill") { id } }`,
      {},
      await asCaller({ subject: `user-${owner}`, organizationId: owner, permissions: ['publisher.manage'] }),
    );
    const body = JSON.stringify({ amount: '0.60', publisher_id: registered.data!.registerPublisher.id });
    const headers = async () => ({
      'content-type': 'application/json',
      ...(await asCaller({ subject: `agent-${organizationId}`, kind: 'agent', organizationId })),
    });
    const treasuryBefore = (await chainClient().readContract({
      address: usdc,
      abi: erc20,
      functionName: 'balanceOf',
      args: [payTo],
    })) as bigint;

    // the official client pays; its paid request meets an unmined settlement, and the process dies
    await rpc('evm_setAutomine', [false]);
    const sent: string[] = [];
    const paying = v2PayingFetch(ANVIL_DEV_KEYS[5], usdc, { sent })(
      `${first.url}/internal/wallet/deposit/crypto`,
      { method: 'POST', headers: await headers(), body },
    ).catch((error: unknown) => error);
    let pending: string[] = [];
    for (let i = 0; i < 200 && pending.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const pool = (await rpc('txpool_content')) as {
        pending: Record<string, Record<string, { hash: string }>>;
      };
      const facilitator = privateKeyToAccount(ANVIL_DEV_KEYS[9]).address.toLowerCase();
      pending = Object.entries(pool.pending)
        .filter(([sender]) => sender.toLowerCase() === facilitator)
        .flatMap(([, byNonce]) => Object.values(byNonce).map((tx) => tx.hash));
    }
    expect(pending).toHaveLength(1);
    first.child.kill('SIGKILL');
    await paying;
    await rpc('evm_setAutomine', [true]);
    await rpc('evm_mine');
    const receipt = await chainClient().getTransactionReceipt({ hash: pending[0] as Hex });
    expect(receipt.status).toBe('success');

    const second = await startCommerceChild(env);
    children.push(second.child);
    const url = `${second.url}/internal/wallet/deposit/crypto`;
    const retry = await fetch(url, {
      method: 'POST',
      headers: { ...(await headers()), 'PAYMENT-SIGNATURE': sent[0]! },
      body,
    });
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { tx_hash: string }).tx_hash).toBe(pending[0]!.toLowerCase());
    const replay = await fetch(url, {
      method: 'POST',
      headers: { ...(await headers()), 'PAYMENT-SIGNATURE': sent[0]! },
      body,
    });
    expect(replay.status).toBe(402);
    const credited = await depositEntries(env, organizationId);
    expect(credited).toBe(1);
    const treasuryAfter = (await chainClient().readContract({
      address: usdc,
      abi: erc20,
      functionName: 'balanceOf',
      args: [payTo],
    })) as bigint;
    expect(treasuryAfter - treasuryBefore).toBe(600_000n);
    second.child.kill('SIGTERM');
  }, 120_000);
});

/** The organization's x402 journal entries, read from the database both children used. */
async function depositEntries(
  env: Record<string, string | undefined>,
  organizationId: string,
): Promise<number> {
  const url = new URL(env.DATABASE_URL!);
  url.pathname = `/${env.COMMERCE_DATABASE}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ count: string }>(
      `select count(*) from ledger_entries where organization_id = $1 and kind = 'deposit_x402'`,
      [organizationId],
    );
    return Number(rows[0]!.count);
  } finally {
    await client.end();
  }
}
