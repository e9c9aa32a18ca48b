import { randomUUID } from 'node:crypto';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import type Stripe from 'stripe';
import { balances } from '../ledger/index.js';
import { startCommerceService, type CommerceService } from '../service';

// stripe-mock answers canned PaymentIntents (it echoes the amount, not the metadata, and never
// calls back), so these tests check what it can: that our requests are ones Stripe's API accepts,
// and what we send (the SDK's request events). The webhook is driven with events we build and sign
// with the endpoint's secret, exactly as Stripe signs them.

const WEBHOOK_SECRET = 'whsec_test_commerce_deposits_0123456789abcdef';

const START = `mutation Start($amountCents: Int!, $referralCode: String, $key: String) {
  createStripeDeposit(amountCents: $amountCents, referralCode: $referralCode, idempotencyKey: $key) {
    depositId paymentIntentId clientSecret amountCents currency status createdAt
  }
}`;
const DEPOSIT = `query Deposit($id: ID!) {
  stripeDeposit(id: $id) { id status amountCents amountReceivedCents paymentIntentId }
}`;

interface Started {
  depositId: string;
  paymentIntentId: string;
  clientSecret: string | null;
  amountCents: number;
  currency: string;
  status: string;
}

describe('Stripe deposits: a PaymentIntent on stripe-mock, credited only by the signed webhook', () => {
  let service: CommerceService;
  let sent: { method: string; path: string; idempotency_key?: string }[] = [];
  const organizationId = `org-${randomUUID()}`;
  const headers = () =>
    asCaller({ subject: `user-${organizationId}`, organizationId, permissions: ['billing.manage'] });

  beforeAll(async () => {
    service = await startCommerceService(
      testServiceEnv('commerce', { env: { STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } }),
    );
    service.application.stripe.client.on('request', (event: Stripe.RequestEvent) => sent.push(event));
    // identity's RecoveryCodeIssued, as the wallet's consumer records it
    await service.dataSource.query(
      `insert into wallet_recovery_setups (user_id, set_up_at) values ($1, now())`,
      [`user-${organizationId}`],
    );
  });
  afterAll(async () => {
    await service?.close();
  });
  beforeEach(() => {
    sent = [];
  });

  const start = async (variables: Record<string, unknown>) =>
    graphql<{ createStripeDeposit: Started }>(service.url, START, variables, await headers());
  const funded = async () =>
    (await service.dataSource.transaction((tx) => balances(tx, organizationId, 'USDC'))).funded;

  function signed(event: Record<string, unknown>) {
    const payload = JSON.stringify(event);
    const signature = service.application.stripe.client.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
    });
    return { payload, signature };
  }
  const succeeded = (deposit: Started, eventId = `evt_${randomUUID()}`, amount = deposit.amountCents) => ({
    id: eventId,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: deposit.paymentIntentId,
        object: 'payment_intent',
        amount,
        amount_received: amount,
        currency: 'usd',
        status: 'succeeded',
        metadata: { deposit_id: deposit.depositId, organization_id: organizationId },
      },
    },
  });
  const deliver = (payload: string, signature?: string) =>
    fetch(`${service.url}/internal/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      body: payload,
    });

  it('creates a PaymentIntent for the amount and a pending deposit; nothing is credited yet', async () => {
    const { data, errors } = await start({ amountCents: 1234, referralCode: 'FRIEND' });
    expect(errors).toBeUndefined();
    const deposit = data!.createStripeDeposit;
    expect(deposit).toMatchObject({ amountCents: 1234, currency: 'usd', status: 'PENDING' });
    expect(deposit.paymentIntentId).toMatch(/^pi_/);
    expect(deposit.clientSecret).toMatch(/_secret_/);
    expect(sent).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/payment_intents' })]);
    expect(await funded()).toBe(0n);
    const read = await graphql(service.url, DEPOSIT, { id: deposit.depositId }, await headers());
    expect(read.data).toEqual({
      stripeDeposit: expect.objectContaining({
        status: 'PENDING',
        amountCents: 1234,
        amountReceivedCents: null,
      }),
    });
  });

  it('answers 403 "Recovery setup required" before wallet recovery is set up', async () => {
    const { errors } = await graphql(
      service.url,
      START,
      { amountCents: 1000 },
      await asCaller({ subject: `user-${randomUUID()}`, organizationId: `org-${randomUUID()}` }),
    );
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'RECOVERY_REQUIRED' });
    expect(errors?.[0]?.message).toBe('Recovery setup required');
    expect(sent).toEqual([]);
  });

  it('refuses less than 500 cents before asking Stripe', async () => {
    const { errors } = await start({ amountCents: 499 });
    expect(errors?.[0]?.extensions).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'AMOUNT_TOO_SMALL' });
    expect(sent).toEqual([]);
  });

  it('forwards the idempotency key to Stripe and answers a retry with the first result; another amount with the key is refused', async () => {
    const key = `key-${randomUUID()}`;
    const first = (await start({ amountCents: 2500, key })).data!.createStripeDeposit;
    expect(sent).toEqual([expect.objectContaining({ idempotency_key: `deposit:${organizationId}:${key}` })]);
    const again = (await start({ amountCents: 2500, key })).data!.createStripeDeposit;
    expect(again).toEqual(first);
    expect(sent).toHaveLength(1); // the retry never reached Stripe
    const other = await start({ amountCents: 2600, key });
    expect(other.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'IDEMPOTENCY_ERROR',
    });
  });

  it('credits the funded balance once (USDC at the 1 USD = 1 USDC peg) when the signed webhook reports success, however often it is delivered', async () => {
    const deposit = (await start({ amountCents: 700 })).data!.createStripeDeposit;
    const before = await funded();
    const event = succeeded(deposit);
    const { payload, signature } = signed(event);

    const response = await deliver(payload, signature);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    expect(await funded()).toBe(before + 7_000_000n);

    // Stripe's redelivery of the same event, then another event about the same payment
    const redelivered = await deliver(payload, signature);
    expect(await redelivered.json()).toEqual({ received: true, duplicate: true });
    const second = signed(succeeded(deposit));
    expect((await deliver(second.payload, second.signature)).status).toBe(200);
    expect(await funded()).toBe(before + 7_000_000n);

    const read = await graphql(service.url, DEPOSIT, { id: deposit.depositId }, await headers());
    expect(read.data).toEqual({
      stripeDeposit: expect.objectContaining({ status: 'SUCCEEDED', amountReceivedCents: 700 }),
    });
    const { events } = await service.eventStore.readStream(`stripe-deposit-${deposit.depositId}`);
    expect(events.map((e) => e.type)).toEqual(['StripeDepositCreated', 'StripeDepositSucceeded']);
  });

  it('applies concurrent deliveries of one event once', async () => {
    const deposit = (await start({ amountCents: 900 })).data!.createStripeDeposit;
    const before = await funded();
    const { payload, signature } = signed(succeeded(deposit));
    const answers = await Promise.all(Array.from({ length: 5 }, () => deliver(payload, signature)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(await funded()).toBe(before + 9_000_000n);
  });

  it('answers 400 to a bad, missing or stale signature and to a tampered body, and credits nothing', async () => {
    const deposit = (await start({ amountCents: 800 })).data!.createStripeDeposit;
    const before = await funded();
    const { payload, signature } = signed(succeeded(deposit));
    const tampered = payload.replace('"amount_received":800', '"amount_received":80000');
    const wrongSecret = service.application.stripe.client.webhooks.generateTestHeaderString({
      payload,
      secret: 'whsec_someone_else',
    });
    const stale = service.application.stripe.client.webhooks.generateTestHeaderString({
      payload,
      secret: WEBHOOK_SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    for (const [body, header] of [
      [tampered, signature],
      [payload, wrongSecret],
      [payload, stale],
      [payload, undefined],
    ] as const) {
      const response = await deliver(body, header);
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'INVALID_SIGNATURE' });
    }
    expect(await funded()).toBe(before);
  });

  it('records a failed payment without crediting, and a success reported after it changes nothing', async () => {
    const deposit = (await start({ amountCents: 600 })).data!.createStripeDeposit;
    const before = await funded();
    const failed = signed({
      ...succeeded(deposit),
      type: 'payment_intent.payment_failed',
      data: {
        object: {
          ...succeeded(deposit).data.object,
          status: 'requires_payment_method',
          amount_received: 0,
          last_payment_error: { message: 'Your card was declined.' },
        },
      },
    });
    expect((await deliver(failed.payload, failed.signature)).status).toBe(200);
    const late = signed(succeeded(deposit));
    expect((await deliver(late.payload, late.signature)).status).toBe(200);
    expect(await funded()).toBe(before);
    const read = await graphql(service.url, DEPOSIT, { id: deposit.depositId }, await headers());
    expect(read.data).toEqual({ stripeDeposit: expect.objectContaining({ status: 'FAILED' }) });
  });

  it('acknowledges events it does not act on', async () => {
    const { payload, signature } = signed({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'customer.created',
      data: { object: { id: 'cus_1', object: 'customer' } },
    });
    const response = await deliver(payload, signature);
    expect(response.status).toBe(200);
  });
});
