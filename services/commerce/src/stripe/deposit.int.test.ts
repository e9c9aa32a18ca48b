import { randomUUID } from 'node:crypto';
import { asCaller, graphql, testServiceEnv, waitForEvent } from '@seren/testing';
import type Stripe from 'stripe';
import { accounts, balanceOf, balances, postEntry } from '../ledger/index.js';
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
  stripeDeposit(id: $id) {
    id status amountCents amountReceivedCents reversedCents refundedCents disputedCents paymentIntentId
  }
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

  // money Stripe takes back: charge.refunded and charge.dispute.created of a credited deposit
  const credited = async (amountCents: number) => {
    const deposit = (await start({ amountCents })).data!.createStripeDeposit;
    const { payload, signature } = signed(succeeded(deposit));
    expect((await deliver(payload, signature)).status).toBe(200);
    return deposit;
  };
  const refundedEvent = (deposit: Started, amountRefunded: number, eventId = `evt_${randomUUID()}`) => ({
    id: eventId,
    object: 'event',
    type: 'charge.refunded',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: `ch_${deposit.depositId.slice(0, 8)}`,
        object: 'charge',
        amount: deposit.amountCents,
        amount_captured: deposit.amountCents,
        amount_refunded: amountRefunded,
        currency: 'usd',
        paid: true,
        refunded: amountRefunded === deposit.amountCents,
        payment_intent: deposit.paymentIntentId,
        status: 'succeeded',
      },
    },
  });
  const disputeEvent = (deposit: Started, amount: number, disputeId = `dp_${randomUUID().slice(0, 12)}`) => ({
    id: `evt_${randomUUID()}`,
    object: 'event',
    type: 'charge.dispute.created',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: disputeId,
        object: 'dispute',
        amount,
        currency: 'usd',
        charge: `ch_${deposit.depositId.slice(0, 8)}`,
        payment_intent: deposit.paymentIntentId,
        reason: 'fraudulent',
        status: 'needs_response',
      },
    },
  });
  // the deposit as GraphQL shows it (the stripe_deposits read model)
  const shown = async (deposit: Started) =>
    (
      await graphql<{ stripeDeposit: Record<string, unknown> }>(
        service.url,
        DEPOSIT,
        { id: deposit.depositId },
        await headers(),
      )
    ).data!.stripeDeposit;
  const reversalEntries = (deposit: Started) =>
    service.dataSource.query(
      `select e.kind, e.reference, e.metadata, json_object_agg(l.account, l.amount::text) as lines
       from ledger_entries e join ledger_lines l on l.entry_id = e.id
       where e.kind in ('stripe_refund', 'stripe_dispute') and e.metadata->>'payment_intent_id' = $1
       group by e.id order by e.created_at, e.reference`,
      [deposit.paymentIntentId],
    ) as Promise<
      { kind: string; reference: string; metadata: Record<string, string>; lines: Record<string, string> }[]
    >;

  it('takes a refunded deposit back from the funded balance: partial refunds by their running total, once per event', async () => {
    const deposit = await credited(1000);
    const before = await funded();
    const first = signed(refundedEvent(deposit, 300));
    const response = await deliver(first.payload, first.signature);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: true, duplicate: false });
    expect(await funded()).toBe(before - 3_000_000n);
    expect(await shown(deposit)).toMatchObject({
      status: 'REFUNDED',
      reversedCents: 300,
      refundedCents: 300,
    });
    // the same event again, and another event reporting the same running total: nothing more
    expect(await (await deliver(first.payload, first.signature)).json()).toEqual({
      received: true,
      duplicate: true,
    });
    const same = signed(refundedEvent(deposit, 300));
    expect((await deliver(same.payload, same.signature)).status).toBe(200);
    expect(await funded()).toBe(before - 3_000_000n);
    // the rest refunded: the difference is taken back
    const rest = signed(refundedEvent(deposit, 1000));
    expect((await deliver(rest.payload, rest.signature)).status).toBe(200);
    expect(await funded()).toBe(before - 10_000_000n);
    expect(await shown(deposit)).toMatchObject({
      status: 'REFUNDED',
      reversedCents: 1000,
      refundedCents: 1000,
      disputedCents: 0,
    });

    const entries = await reversalEntries(deposit);
    expect(entries.map((e) => [e.kind, e.reference, e.lines])).toEqual([
      [
        'stripe_refund',
        `${deposit.depositId}:refund:300`,
        {
          [accounts.agentFunded(organizationId, 'USDC')]: '-3000000',
          [accounts.system('stripe_clearing', 'USDC')]: '3000000',
        },
      ],
      [
        'stripe_refund',
        `${deposit.depositId}:refund:1000`,
        {
          [accounts.agentFunded(organizationId, 'USDC')]: '-7000000',
          [accounts.system('stripe_clearing', 'USDC')]: '7000000',
        },
      ],
    ]);
    const { events } = await service.eventStore.readStream(`stripe-deposit-${deposit.depositId}`);
    expect(events.map((e) => e.type)).toEqual([
      'StripeDepositCreated',
      'StripeDepositSucceeded',
      'StripeDepositReversed',
      'StripeDepositReversed',
    ]);
    expect(events[2]!.data).toMatchObject({
      reason: 'refund',
      amountCents: 300,
      debitedAtomic: '3000000',
      shortfallAtomic: '0',
    });
    // on Kafka like every event of the deposit
    const published = await waitForEvent(
      'commerce.stripe_deposit',
      (e) =>
        e.type === 'StripeDepositReversed' &&
        (e.data as { depositId: string }).depositId === deposit.depositId,
    );
    expect(published.data).toMatchObject({ reason: 'refund' });
  });

  it('takes a disputed deposit back once per dispute; what the wallet already spent is the shortfall, posted to stripe_losses, never an overdraft', async () => {
    const deposit = await credited(1000);
    // the organization spends all but 2,000,000 of its funded balance
    const spend = (await funded()) - 2_000_000n;
    await service.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'test_spend',
        reference: randomUUID(),
        organizationId,
        lines: [
          { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: -spend },
          { account: accounts.system('fees', 'USDC'), asset: 'USDC', amount: spend },
        ],
      }),
    );
    const losses = () =>
      service.dataSource.transaction((tx) => balanceOf(tx, accounts.system('stripe_losses', 'USDC')));
    const lossesBefore = await losses();
    const event = disputeEvent(deposit, 1000);
    const { payload, signature } = signed(event);
    expect((await deliver(payload, signature)).status).toBe(200);
    expect(await funded()).toBe(0n);
    expect(await losses()).toBe(lossesBefore - 8_000_000n);
    // a second event about the same dispute (another id): nothing more
    const again = signed({ ...disputeEvent(deposit, 1000, event.data.object.id) });
    expect((await deliver(again.payload, again.signature)).status).toBe(200);
    expect(await funded()).toBe(0n);

    const entries = await reversalEntries(deposit);
    expect(entries).toEqual([
      {
        kind: 'stripe_dispute',
        reference: event.data.object.id,
        metadata: expect.objectContaining({
          stripe_event_id: event.id,
          amount_cents: '1000',
          shortfall_atomic: '8000000',
        }),
        lines: {
          [accounts.agentFunded(organizationId, 'USDC')]: '-2000000',
          [accounts.system('stripe_losses', 'USDC')]: '-8000000',
          [accounts.system('stripe_clearing', 'USDC')]: '10000000',
        },
      },
    ]);
    // a refund reported after the dispute took everything back moves nothing
    const refund = signed(refundedEvent(deposit, 1000));
    expect((await deliver(refund.payload, refund.signature)).status).toBe(200);
    expect(await reversalEntries(deposit)).toHaveLength(1);
    const { events } = await service.eventStore.readStream(`stripe-deposit-${deposit.depositId}`);
    expect(events.at(-1)!.data).toMatchObject({
      reason: 'dispute',
      amountCents: 1000,
      debitedAtomic: '2000000',
      shortfallAtomic: '8000000',
    });
    // the read model shows it: disputed, the whole deposit reversed
    expect(await shown(deposit)).toMatchObject({
      status: 'DISPUTED',
      reversedCents: 1000,
      disputedCents: 1000,
    });

    // the next deposits pay the shortfall back before the wallet may spend them: 6,000,000 of the
    // first (all of it), the remaining 2,000,000 of the second, nothing of the third
    const collections = async () =>
      (await service.dataSource.query(
        `select e.reference, e.metadata->>'owed_atomic' as owed, json_object_agg(l.account, l.amount::text) as lines
         from ledger_entries e join ledger_lines l on l.entry_id = e.id
         where e.kind = 'stripe_shortfall_collected' and e.organization_id = $1
         group by e.id order by e.created_at`,
        [organizationId],
      )) as { reference: string; owed: string; lines: Record<string, string> }[];
    const small = await credited(600);
    expect(await funded()).toBe(0n);
    expect(await losses()).toBe(lossesBefore - 2_000_000n);
    const larger = await credited(1000);
    expect(await funded()).toBe(8_000_000n);
    expect(await losses()).toBe(lossesBefore);
    await credited(500);
    expect(await funded()).toBe(13_000_000n);
    expect(await collections()).toEqual([
      {
        reference: small.depositId,
        owed: '8000000',
        lines: {
          [accounts.agentFunded(organizationId, 'USDC')]: '-6000000',
          [accounts.system('stripe_losses', 'USDC')]: '6000000',
        },
      },
      {
        reference: larger.depositId,
        owed: '2000000',
        lines: {
          [accounts.agentFunded(organizationId, 'USDC')]: '-2000000',
          [accounts.system('stripe_losses', 'USDC')]: '2000000',
        },
      },
    ]);
    // spent again, so the next test starts from an empty wallet
    await service.dataSource.transaction((tx) =>
      postEntry(tx, {
        kind: 'test_spend',
        reference: randomUUID(),
        organizationId,
        lines: [
          { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: -13_000_000n },
          { account: accounts.system('fees', 'USDC'), asset: 'USDC', amount: 13_000_000n },
        ],
      }),
    );
  });

  it('gives a won dispute back as it was taken, once (charge.dispute.closed won, then funds_reinstated)', async () => {
    const deposit = await credited(600);
    const before = await funded();
    const losses = () =>
      service.dataSource.transaction((tx) => balanceOf(tx, accounts.system('stripe_losses', 'USDC')));
    const disputed = disputeEvent(deposit, 600);
    const opened = signed(disputed);
    expect((await deliver(opened.payload, opened.signature)).status).toBe(200);
    expect(await funded()).toBe(before - 6_000_000n);
    expect(await shown(deposit)).toMatchObject({
      status: 'DISPUTED',
      reversedCents: 600,
      disputedCents: 600,
    });
    const closedAs = (type: string, status: string) =>
      signed({
        ...disputed,
        id: `evt_${randomUUID()}`,
        type,
        data: { object: { ...disputed.data.object, status } },
      });
    const lost = closedAs('charge.dispute.closed', 'lost');
    expect((await deliver(lost.payload, lost.signature)).status).toBe(200);
    expect(await funded()).toBe(before - 6_000_000n);
    const lossesBefore = await losses();
    for (const won of [
      closedAs('charge.dispute.closed', 'won'),
      closedAs('charge.dispute.funds_reinstated', 'won'),
    ])
      expect((await deliver(won.payload, won.signature)).status).toBe(200);
    expect(await funded()).toBe(before);
    expect(await losses()).toBe(lossesBefore);
    // won: shown as succeeded again, nothing reversed
    expect(await shown(deposit)).toMatchObject({ status: 'SUCCEEDED', reversedCents: 0, disputedCents: 0 });
    const [entry] = (await service.dataSource.query(
      `select json_object_agg(l.account, l.amount::text) as lines from ledger_entries e join ledger_lines l on l.entry_id = e.id
       where e.kind = 'stripe_dispute_reinstated' and e.reference = $1 group by e.id`,
      [disputed.data.object.id],
    )) as { lines: Record<string, string> }[];
    expect(entry!.lines).toEqual({
      [accounts.agentFunded(organizationId, 'USDC')]: '6000000',
      [accounts.system('stripe_clearing', 'USDC')]: '-6000000',
    });
    const { events } = await service.eventStore.readStream(`stripe-deposit-${deposit.depositId}`);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['StripeDepositReversed', 'StripeDepositReinstated']);
  });

  it('takes nothing back for a refund of a deposit never credited, or of no deposit of ours', async () => {
    const deposit = (await start({ amountCents: 700 })).data!.createStripeDeposit;
    const before = await funded();
    const pending = signed(refundedEvent(deposit, 700));
    expect((await deliver(pending.payload, pending.signature)).status).toBe(200);
    const stranger = signed(refundedEvent({ ...deposit, paymentIntentId: 'pi_not_ours' }, 700));
    expect((await deliver(stranger.payload, stranger.signature)).status).toBe(200);
    expect(await funded()).toBe(before);
    expect(await reversalEntries(deposit)).toEqual([]);
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
