import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §7 payments through the gateway, against the real identity, crm, PostgreSQL, Kafka,
// Temporal and stripe-mock, and a custom payment provider: a local HTTP server speaking the
// queryUrl protocol (a contract fake of a location's own processor, which cannot run here). Stripe
// (stripe-mock) keeps no state and sends no webhooks, so Stripe's events are built here and signed
// with the endpoint's secret, as Stripe signs them. The custom provider "drops" its webhook on
// confirm, so the reconciliation (the connection's Temporal schedule, triggered) must repair it.

/** A custom provider: charges in memory, answering Serebro's queryUrl calls; it never calls back. */
function startCustomProvider() {
  const charges = new Map<
    string,
    { chargeId: string; transactionId: string; amount: number; status: string }
  >();
  const calls: Record<string, unknown>[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const call = JSON.parse(body) as Record<string, unknown>;
      calls.push(call);
      const answer = (status: number, value: unknown) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(value));
      };
      if (call.apiKey !== 'ck_test_key') return answer(401, { message: 'bad api key' });
      switch (call.type) {
        case 'create_payment': {
          const chargeId = `ch_${charges.size + 1}_${randomUUID().slice(0, 8)}`;
          charges.set(chargeId, {
            chargeId,
            transactionId: String(call.transactionId),
            amount: Number(call.amount),
            status: 'pending',
          });
          return answer(200, { chargeId });
        }
        case 'confirm_payment': {
          const charge = charges.get(String(call.chargeId));
          if (!charge) return answer(404, { message: 'no such charge' });
          charge.status = 'succeeded';
          return answer(200, { status: 'processing' });
        }
        case 'refund':
          return answer(200, { success: true, refundId: `rf_${randomUUID().slice(0, 8)}` });
        case 'list_payments':
          return answer(200, { payments: [...charges.values()] });
        default:
          return answer(400, { message: `unknown type ${String(call.type)}` });
      }
    });
  });
  return new Promise<{
    url: string;
    charges: typeof charges;
    calls: typeof calls;
    close: () => Promise<void>;
  }>((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`,
        charges,
        calls,
        close: () => new Promise((done) => server.close(() => done())),
      }),
    ),
  );
}

describe('Serebro payments', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let shop: string;
  let other: string;
  let shopKey: string;
  let shopPit: string;
  let otherPit: string;
  let contactId: string;
  let provider: Awaited<ReturnType<typeof startCustomProvider>>;
  const stripeWebhookSecret = 'whsec_test_serebro_payments';

  beforeAll(async () => {
    provider = await startCustomProvider();
    oauth = await startSerebroOAuth({
      user: 'payments',
      agency: 'Payments Agency',
      locations: ['Shop', 'Other'],
      suite: { crmEnv: { OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8,::1/128,localhost' } },
    });
    ({ s } = oauth);
    [shop, other] = oauth.locations as [string, string];
    const records = serebroRecords(oauth);
    [shopKey, shopPit, otherPit, contactId] = await Promise.all([
      records.apiKey(shop),
      // HighLevel's scope names work as aliases
      records.pit(shop, [
        'payments/orders.readonly',
        'payments/orders.write',
        'payments/custom-provider.write',
      ]),
      records.pit(other, ['payments:read', 'payments:write']),
      records.contact(shop, 'payer@example.com'),
    ]);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await provider?.close();
  });

  const events = async (paymentId: string) =>
    (await s.crm.dataSource.query(
      `select type, data from events where stream_id = $1 order by stream_version`,
      [`payment-${paymentId}`],
    )) as { type: string; data: Record<string, unknown> }[];

  /** POSTs the exact bytes of a Stripe event to the connection's webhook, signed as Stripe signs. */
  async function deliverStripe(connectionId: string, event: Record<string, unknown>, signature?: string) {
    const payload = JSON.stringify(event);
    const header =
      signature ??
      s.commerce.application.stripe.client.webhooks.generateTestHeaderString({
        payload,
        secret: stripeWebhookSecret,
      });
    const response = await fetch(
      `${s.gateway.listeners.serebro.url}/v2/payments/stripe/webhook/${connectionId}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'stripe-signature': header },
        body: payload,
      },
    );
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  describe('Stripe (stripe-mock)', () => {
    let connectionId: string;
    let paymentId: string;
    let chargeId: string;

    it('v1: connects Stripe test keys, answered masked, with the webhook URL', async () => {
      const connected = await s.serebro('POST', '/payments/stripe/connect', {
        token: shopKey,
        body: {
          test: {
            secretKey: 'sk_test_123',
            publishableKey: 'pk_test_123',
            webhookSecret: stripeWebhookSecret,
          },
        },
      });
      expect(connected.status).toBe(200);
      connectionId = connected.body._id;
      expect(connected.body).toMatchObject({ provider: 'stripe', locationId: shop, live: null });
      expect(connected.body.test.secretKey).not.toContain('sk_test_123');
      expect(connected.body.webhookUrl).toMatch(new RegExp(`/v2/payments/stripe/webhook/${connectionId}$`));
      expect(connected.text).not.toContain(stripeWebhookSecret);
      const stored = JSON.stringify(await s.crm.dataSource.query(`select * from credential_secrets`));
      expect(stored).not.toContain(stripeWebhookSecret);
      const bad = await s.serebro('POST', '/payments/stripe/connect', {
        token: shopKey,
        body: { test: { secretKey: 'sk_live_nope', webhookSecret: 'whsec_x' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields).toEqual([expect.objectContaining({ field: 'test.secretKey' })]);
    });

    it('creates an intent with an Idempotency-Key; the same key and body answer it again, another body is 400 IDEMPOTENCY_ERROR', async () => {
      const key = `intent-${randomUUID()}`;
      const body = {
        contactId,
        amount: 5000,
        currency: 'usd',
        description: 'Roof deposit',
        metadata: { order: 42 },
      };
      const created = await s.serebro('POST', '/payments/intents', {
        token: shopKey,
        body,
        headers: { 'idempotency-key': key },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        altId: shop,
        altType: 'location',
        contactId,
        contactEmail: 'payer@example.com',
        amount: 5000,
        currency: 'USD',
        status: 'requires_confirmation',
        liveMode: false,
        paymentProvider: { type: 'stripe', connectionId },
        metadata: { order: '42' },
      });
      expect(created.body.chargeId).toMatch(/^pi_/);
      expect(created.body.clientSecret).toEqual(expect.any(String));
      paymentId = created.body._id;
      chargeId = created.body.chargeId;
      const replay = await s.serebro('POST', '/payments/intents', {
        token: shopKey,
        body,
        headers: { 'idempotency-key': key },
      });
      expect(replay.status).toBe(201);
      expect(replay.body).toEqual(created.body);
      const conflict = await s.serebro('POST', '/payments/intents', {
        token: shopKey,
        body: { ...body, amount: 6000 },
        headers: { 'idempotency-key': key },
      });
      expect(conflict.status).toBe(400);
      expect(conflict.body.error.code).toBe('IDEMPOTENCY_ERROR');
      expect((await events(paymentId)).map((e) => e.type)).toEqual(['PaymentIntentCreated']);
    });

    it('answers concurrent requests with one key: one runs, the others 409 IDEMPOTENCY_KEY_IN_USE or its replay', async () => {
      const key = `race-${randomUUID()}`;
      const body = { contactId, amount: 1200, currency: 'USD' };
      const answers = await Promise.all(
        [1, 2, 3, 4].map(() =>
          s.serebro('POST', '/payments/intents', {
            token: shopKey,
            body,
            headers: { 'idempotency-key': key },
          }),
        ),
      );
      const created = answers.filter((a) => a.status === 201);
      expect(new Set(created.map((a) => a.body._id)).size).toBe(1);
      for (const answer of answers.filter((a) => a.status !== 201)) {
        expect(answer.status).toBe(409);
        expect(answer.body.error.code).toBe('IDEMPOTENCY_KEY_IN_USE');
      }
      const rows = (await s.crm.dataSource.query(`select count(*)::int as n from payments where id = $1`, [
        created[0]!.body._id,
      ])) as {
        n: number;
      }[];
      expect(rows[0]!.n).toBe(1);
    });

    it('refuses a bad intent with every bad field listed, nothing written', async () => {
      const before = (await s.crm.dataSource.query(`select count(*)::int as n from payments`)) as {
        n: number;
      }[];
      const bad = await s.serebro('POST', '/payments/intents', {
        token: shopKey,
        body: { contactId: 'nobody', amount: 0, currency: 'dollars', metadata: { 'a[1]': 'x' } },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        'amount',
        'contactId',
        'currency',
        'metadata.a[1]',
      ]);
      const after = (await s.crm.dataSource.query(`select count(*)::int as n from payments`)) as {
        n: number;
      }[];
      expect(after[0]!.n).toBe(before[0]!.n);
    });

    it("confirms it (processing), and Stripe's signed payment_intent.succeeded moves it to succeeded once per event id", async () => {
      const confirmed = await s.serebro('POST', `/payments/intents/${paymentId}/confirm`, {
        token: shopKey,
        body: { paymentMethod: 'pm_card_visa' },
      });
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.status).toBe('processing');
      const event = {
        id: `evt_${randomUUID().replace(/-/g, '')}`,
        object: 'event',
        type: 'payment_intent.succeeded',
        livemode: false,
        created: Math.floor(Date.now() / 1000),
        api_version: '2025-01-27.acacia',
        data: {
          object: {
            id: chargeId,
            object: 'payment_intent',
            amount: 5000,
            amount_received: 5000,
            currency: 'usd',
            status: 'succeeded',
            metadata: { serebro_payment_id: paymentId },
          },
        },
      };
      expect(await deliverStripe(connectionId, event)).toEqual({
        status: 200,
        body: { received: true, duplicate: false },
      });
      expect(await deliverStripe(connectionId, event)).toEqual({
        status: 200,
        body: { received: true, duplicate: true },
      });
      const forged = await deliverStripe(connectionId, event, 't=1,v1=00');
      expect(forged.status).toBe(400);
      const got = await s.serebro('GET', `/v2/payments/transactions/${paymentId}`, { token: shopPit });
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ status: 'succeeded', amountCaptured: 5000, amountRefunded: 0 });
      expect(got.body).not.toHaveProperty('clientSecret');
      const succeeded = (await events(paymentId)).filter((e) => e.type === 'PaymentSucceeded');
      expect(succeeded).toHaveLength(1);
      expect(succeeded[0]!.data).toMatchObject({
        locationId: shop,
        contactId,
        amount: 5000,
        currency: 'USD',
        source: 'webhook',
      });
    });

    it('refunds part of it, refuses a refund above what is left, and replays a refund by its key', async () => {
      const key = `refund-${randomUUID()}`;
      const partial = await s.serebro('POST', `/payments/intents/${paymentId}/refund`, {
        token: shopKey,
        body: { amount: 2000 },
        headers: { 'idempotency-key': key },
      });
      expect(partial.status).toBe(200);
      expect(partial.body).toMatchObject({ status: 'partially_refunded', amountRefunded: 2000 });
      const again = await s.serebro('POST', `/payments/intents/${paymentId}/refund`, {
        token: shopKey,
        body: { amount: 2000 },
        headers: { 'idempotency-key': key },
      });
      expect(again.body).toEqual(partial.body);
      const over = await s.serebro('POST', `/payments/intents/${paymentId}/refund`, {
        token: shopKey,
        body: { amount: 3001 },
      });
      expect(over.status).toBe(400);
      expect(over.body.error.fields).toEqual([{ field: 'amount', message: expect.stringContaining('3000') }]);
      const types = (await events(paymentId)).map((e) => e.type);
      expect(types.filter((t) => t === 'PaymentRefunded')).toHaveLength(1);
      expect(types.filter((t) => t === 'PaymentRefundRequested')).toHaveLength(1);
      const cancel = await s.serebro('POST', `/payments/intents/${paymentId}/cancel`, {
        token: shopKey,
        body: {},
      });
      expect(cancel.status).toBe(409);
    });

    it("v2: lists the location's transactions (HighLevel's {data, totalCount}); another location sees none of them", async () => {
      const listed = await s.serebro('GET', `/v2/payments/transactions?contactId=${contactId}&limit=100`, {
        token: shopPit,
      });
      expect(listed.status).toBe(200);
      expect(listed.body.totalCount).toBeGreaterThanOrEqual(2);
      expect(listed.body.data.map((t: { _id: string }) => t._id)).toContain(paymentId);
      const theirs = await s.serebro('GET', `/v2/payments/transactions`, { token: otherPit });
      expect(theirs.body).toEqual({ data: [], totalCount: 0 });
      expect(
        (await s.serebro('GET', `/v2/payments/transactions/${paymentId}`, { token: otherPit })).status,
      ).toBe(404);
      expect(
        (await s.serebro('GET', `/payments/transactions?paymentMode=sandbox`, { token: shopKey })).status,
      ).toBe(400);
    });
  });

  describe('custom provider', () => {
    let connectionId: string;
    let webhookSecret: string;

    it("v2: registers the location's processor and its test keys; the webhook secret is shown once", async () => {
      const created = await s.serebro('POST', '/v2/payments/custom-provider/provider', {
        token: shopPit,
        body: {
          name: 'Acme Pay',
          description: 'our processor',
          paymentsUrl: 'https://pay.example.com/checkout',
          queryUrl: provider.url,
        },
      });
      expect(created.status).toBe(201);
      connectionId = created.body._id;
      const connected = await s.serebro('POST', '/v2/payments/custom-provider/connect', {
        token: shopPit,
        body: { test: { apiKey: 'ck_test_key', publishableKey: 'pk_acme' } },
      });
      expect(connected.status).toBe(200);
      webhookSecret = connected.body.webhookSecrets.test;
      expect(webhookSecret).toMatch(/^whsec_/);
      const read = await s.serebro('GET', '/v2/payments/custom-provider/connect', { token: shopPit });
      expect(read.body).toMatchObject({
        _id: connectionId,
        name: 'Acme Pay',
        queryUrl: provider.url,
        live: null,
      });
      expect(read.body).not.toHaveProperty('webhookSecrets');
      expect(read.text).not.toContain('ck_test_key');
      const inside = await s.serebro('POST', '/v2/payments/custom-provider/provider', {
        token: otherPit,
        body: {
          name: 'Meta',
          paymentsUrl: 'https://pay.example.com',
          queryUrl: 'http://169.254.169.254/latest',
        },
      });
      expect(inside.status).toBe(400);
      expect(inside.body.error.fields).toEqual([expect.objectContaining({ field: 'queryUrl' })]);
    });

    it('reconciles an intent whose webhook never came: the schedule run makes it succeeded, the late webhook appends nothing', async () => {
      const created = await s.serebro('POST', '/v2/payments/intents', {
        token: shopPit,
        body: { contactId, amount: 2500, currency: 'EUR', provider: 'custom', returnUrl: '/thanks' },
      });
      expect(created.status).toBe(201);
      const paymentId: string = created.body._id;
      expect(created.body.returnUrl).toMatch(/\/thanks$/);
      expect(provider.calls.at(-1)).toMatchObject({
        type: 'create_payment',
        transactionId: paymentId,
        amount: 2500,
        apiKey: 'ck_test_key',
      });
      const confirmed = await s.serebro('POST', `/v2/payments/intents/${paymentId}/confirm`, {
        token: shopPit,
        body: {},
      });
      expect(confirmed.body.status).toBe('processing');
      // the provider captured it and its webhook was lost: the connection's schedule repairs it
      await s.crm.application.workflows.schedule.getHandle(`payments-reconcile-${connectionId}`).trigger();
      const repaired = await eventuallyValue(async () => {
        const got = await s.serebro('GET', `/v2/payments/transactions/${paymentId}`, { token: shopPit });
        return got.body.status === 'succeeded' ? got.body : undefined;
      }, 60_000);
      expect(repaired).toMatchObject({
        amountCaptured: 2500,
        paymentProvider: { type: 'custom', connectionId },
      });
      const charge = [...provider.charges.values()].find((c) => c.transactionId === paymentId)!;
      const body = JSON.stringify({
        id: `pe_${randomUUID()}`,
        event: 'payment.captured',
        transactionId: paymentId,
        chargeId: charge.chargeId,
        amount: 2500,
      });
      const sign = (secret: string) => {
        const t = Math.floor(Date.now() / 1000);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { createHmac } = require('node:crypto') as typeof import('node:crypto');
        return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
      };
      const late = await fetch(
        `${s.gateway.listeners.serebro.url}/payments/custom-provider/webhook/${connectionId}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-serebro-signature': sign(webhookSecret) },
          body,
        },
      );
      expect(late.status).toBe(200);
      expect(await late.json()).toEqual({ received: true, duplicate: false });
      const unsigned = await fetch(
        `${s.gateway.listeners.serebro.url}/payments/custom-provider/webhook/${connectionId}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-serebro-signature': sign('whsec_wrong') },
          body,
        },
      );
      expect(unsigned.status).toBe(400);
      const succeeded = (await events(paymentId)).filter((e) => e.type === 'PaymentSucceeded');
      expect(succeeded).toHaveLength(1);
      expect(succeeded[0]!.data).toMatchObject({ source: 'reconciliation', amountCaptured: 2500 });
      // and a full refund through the provider
      const refunded = await s.serebro('POST', `/v2/payments/intents/${paymentId}/refund`, {
        token: shopPit,
        body: {},
      });
      expect(refunded.body).toMatchObject({ status: 'refunded', amountRefunded: 2500 });
      expect(provider.calls.at(-1)).toMatchObject({ type: 'refund', transactionId: paymentId, amount: 2500 });
    }, 90_000);
  });
});
