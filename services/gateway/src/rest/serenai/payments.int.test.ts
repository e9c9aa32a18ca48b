import { randomUUID } from 'node:crypto';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restAgent } from '../../test-support/rest-flows';

// SerenAI Stripe payments, payment methods, plans and Stripe's webhook (commerce) through the
// gateway, at the spec's paths, with every status each operation documents. Stripe is stripe-mock:
// it accepts our requests and answers canned objects (amounts and path ids echoed) but never calls
// back, so the webhook is driven with events built here and signed with the endpoint's secret, as
// Stripe signs them.

type Agent = Awaited<ReturnType<typeof restAgent>>;

interface Ledger {
  balances(
    tx: unknown,
    organizationId: string,
    asset: 'USDC',
  ): Promise<{ funded: bigint; promotional: bigint }>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ledger = require('@seren/commerce/dist/ledger/index.js') as Ledger;

describe('SerenAI Stripe payments, payment methods, plans and the Stripe webhook through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  async function withRecovery(agent: Agent) {
    expect((await s.serenai('POST', '/wallet/recovery', { token: agent.token, body: {} })).status).toBe(200);
    await eventually(
      async () =>
        (await s.serenai('GET', '/wallet/balance', { token: agent.token })).body.data?.has_recovery === true,
      15_000,
    );
  }
  /** The funded balance in USDC atomic units, read from commerce's ledger. */
  const fundedAtomic = async (agent: Agent) =>
    Number(
      (await s.commerce.dataSource.transaction((tx) => ledger.balances(tx, agent.organizationId, 'USDC')))
        .funded,
    );

  /** POSTs the exact bytes to /webhooks/stripe, signed as Stripe signs (or with the given header). */
  function deliver(event: Record<string, unknown>, signature?: string | null) {
    const payload = JSON.stringify(event);
    const { client, webhookSecret } = s.commerce.application.stripe;
    const header =
      signature === undefined
        ? client.webhooks.generateTestHeaderString({ payload, secret: webhookSecret })
        : signature;
    return postRaw(payload, header);
  }
  /** The exact bytes, as Stripe sends them (the suite's caller would JSON-encode the body). */
  async function postRaw(payload: string, signature: string | null) {
    const response = await fetch(`${s.gateway.listeners.serenai.url}/webhooks/stripe`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
      body: payload,
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  }
  const succeeded = (deposit: { deposit_id: string; payment_intent_id: string; amount_cents: number }) => ({
    id: `evt_${randomUUID().replace(/-/g, '')}`,
    object: 'event',
    type: 'payment_intent.succeeded',
    created: Math.floor(Date.now() / 1000),
    data: {
      object: {
        id: deposit.payment_intent_id,
        object: 'payment_intent',
        amount: deposit.amount_cents,
        amount_received: deposit.amount_cents,
        currency: 'usd',
        status: 'succeeded',
        metadata: { deposit_id: deposit.deposit_id },
      },
    },
  });

  describe('POST /wallet/deposit and POST /webhooks/stripe', () => {
    it('401 without a credential', async () => {
      const r = await s.serenai('POST', '/wallet/deposit', { body: { amount_cents: 500 } });
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it('403 "Recovery setup required" before wallet recovery is set up', async () => {
      const agent = await restAgent(s);
      const r = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: 500 },
      });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: 'RECOVERY_REQUIRED', message: 'Recovery setup required' });
    });

    it('200 with the PaymentIntent; the wallet is credited only by the signed webhook, once per event id', async () => {
      const agent = await restAgent(s);
      await withRecovery(agent);
      const r = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: 1250, referral_code: null },
      });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        data: {
          deposit_id: expect.any(String),
          payment_intent_id: expect.stringMatching(/^pi_/),
          client_secret: expect.stringMatching(/_secret_/),
          amount_cents: 1250,
          currency: 'usd',
          status: 'pending',
          created_at: expect.any(String),
        },
        pagination: null,
      });
      expect(await fundedAtomic(agent)).toBe(0);

      const event = succeeded(r.body.data);
      const hook = await deliver(event);
      expect(hook.status).toBe(200);
      expect(hook.body).toEqual({ received: true, duplicate: false });
      expect(await fundedAtomic(agent)).toBe(12_500_000); // $12.50 as USDC atomic units

      const again = await deliver(event);
      expect(again.body).toEqual({ received: true, duplicate: true });
      expect(await fundedAtomic(agent)).toBe(12_500_000);
    });

    it('the same Idempotency-Key answers the first deposit; with another amount it is 400', async () => {
      const agent = await restAgent(s);
      await withRecovery(agent);
      const headers = { 'idempotency-key': `dep-${randomUUID()}` };
      const first = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        headers,
        body: { amount_cents: 600 },
      });
      const again = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        headers,
        body: { amount_cents: 600 },
      });
      expect(first.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const other = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        headers,
        body: { amount_cents: 700 },
      });
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({ error: 'IDEMPOTENCY_ERROR' });
    });

    it('400 below the 500-cent minimum and for a body that is not one', async () => {
      const agent = await restAgent(s);
      await withRecovery(agent);
      const small = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: 499 },
      });
      expect(small.status).toBe(400);
      expect(small.body).toMatchObject({
        error: 'AMOUNT_TOO_SMALL',
        message: expect.stringContaining('500'),
      });
      const bad = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: '5' },
      });
      expect(bad.status).toBe(400);
    });

    it("answers the same refusals over GraphQL through the gateway (the rules are commerce's, not the rows')", async () => {
      const agent = await restAgent(s);
      await withRecovery(agent);
      expect(
        await s.client.error(
          `mutation { createStripeDeposit(amountCents: 499) { depositId } }`,
          {},
          { token: agent.token },
        ),
      ).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'AMOUNT_TOO_SMALL' });
      const rest = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: 499 },
      });
      expect(rest.body.error).toBe('AMOUNT_TOO_SMALL');
      expect(
        await s.client.error(
          `mutation { changeOrganizationPlan(organizationId: "default", planId: "scale") { organizationId } }`,
          {},
          { token: agent.token },
        ),
      ).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'PAYMENT_METHOD_REQUIRED' });
    });

    it('400 "Invalid webhook signature" for a bad, missing or tampered signature; nothing is credited', async () => {
      const agent = await restAgent(s);
      await withRecovery(agent);
      const r = await s.serenai('POST', '/wallet/deposit', {
        token: agent.token,
        body: { amount_cents: 900 },
      });
      const event = succeeded(r.body.data);
      const wrong = s.commerce.application.stripe.client.webhooks.generateTestHeaderString({
        payload: JSON.stringify(event),
        secret: 'whsec_not_ours',
      });
      for (const signature of [wrong, null, 't=1,v1=deadbeef']) {
        const hook = await deliver(event, signature);
        expect(hook.status).toBe(400);
        expect(hook.body).toEqual({ error: 'INVALID_SIGNATURE', message: 'Invalid webhook signature' });
      }
      const payload = JSON.stringify(event);
      const signature = s.commerce.application.stripe.client.webhooks.generateTestHeaderString({
        payload,
        secret: s.commerce.application.stripe.webhookSecret,
      });
      const tampered = await postRaw(
        payload.replace('"amount_received":900', '"amount_received":90000'),
        signature,
      );
      expect(tampered.status).toBe(400);
      expect(await fundedAtomic(agent)).toBe(0);
    });
  });

  describe('/billing/payment-methods', () => {
    it('401 without a credential', async () => {
      expect((await s.serenai('GET', '/billing/payment-methods')).status).toBe(401);
      expect(
        (
          await s.serenai('POST', '/billing/payment-methods', {
            body: { set_as_default: true, stripe_payment_method_id: 'pm_card_visa' },
          })
        ).status,
      ).toBe(401);
      expect((await s.serenai('DELETE', '/billing/payment-methods/x')).status).toBe(401);
    });

    it('POST 200 attaches one (the first is the default), GET 200 lists them, DELETE 204 then 404', async () => {
      const agent = await restAgent(s);
      const empty = await s.serenai('GET', '/billing/payment-methods', { token: agent.token });
      expect(empty.status).toBe(200);
      expect(empty.body).toEqual({ data: [], pagination: null });

      const added = await s.serenai('POST', '/billing/payment-methods', {
        token: agent.token,
        body: { set_as_default: false, stripe_payment_method_id: 'pm_card_visa' },
      });
      expect(added.status).toBe(200);
      expect(added.body).toEqual({
        data: {
          id: expect.any(String),
          stripe_payment_method_id: 'pm_card_visa',
          type: 'card',
          card_brand: 'visa',
          card_last4: '4242',
          card_exp_month: expect.any(Number),
          card_exp_year: expect.any(Number),
          is_default: true,
          created_at: expect.any(String),
        },
        pagination: null,
      });
      const second = await s.serenai('POST', '/billing/payment-methods', {
        token: agent.token,
        body: { set_as_default: true, stripe_payment_method_id: 'pm_card_mastercard' },
      });
      expect(second.body.data.is_default).toBe(true);
      const listed = await s.serenai('GET', '/billing/payment-methods', { token: agent.token });
      expect(
        listed.body.data.map((m: { stripe_payment_method_id: string; is_default: boolean }) => [
          m.stripe_payment_method_id,
          m.is_default,
        ]),
      ).toEqual([
        ['pm_card_mastercard', true],
        ['pm_card_visa', false],
      ]);

      const removed = await s.serenai('DELETE', `/billing/payment-methods/${second.body.data.id}`, {
        token: agent.token,
      });
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      const after = await s.serenai('GET', '/billing/payment-methods', { token: agent.token });
      expect(after.body.data).toEqual([
        expect.objectContaining({ stripe_payment_method_id: 'pm_card_visa', is_default: true }),
      ]);
      const gone = await s.serenai('DELETE', `/billing/payment-methods/${second.body.data.id}`, {
        token: agent.token,
      });
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it("POST 400 for what is not a Stripe payment method id; another organization's method is 404", async () => {
      const agent = await restAgent(s);
      const bad = await s.serenai('POST', '/billing/payment-methods', {
        token: agent.token,
        body: { set_as_default: true, stripe_payment_method_id: 'visa 4242' },
      });
      expect(bad.status).toBe(400);
      const missing = await s.serenai('POST', '/billing/payment-methods', {
        token: agent.token,
        body: { set_as_default: true },
      });
      expect(missing.status).toBe(400);

      const other = await restAgent(s);
      const theirs = await s.serenai('POST', '/billing/payment-methods', {
        token: other.token,
        body: { set_as_default: true, stripe_payment_method_id: 'pm_card_visa' },
      });
      const r = await s.serenai('DELETE', `/billing/payment-methods/${theirs.body.data.id}`, {
        token: agent.token,
      });
      expect(r.status).toBe(404);
    });
  });

  describe('Plans', () => {
    it('GET /plans 200 lists the catalog; GET /plans/{plan_id} 200, 404 for an unknown plan', async () => {
      const list = await s.serenai('GET', '/plans');
      expect(list.status).toBe(200);
      expect(list.body.data.map((p: { id: string; price_cents: number }) => [p.id, p.price_cents])).toEqual([
        ['free', 0],
        ['launch', 4900],
        ['scale', 19900],
      ]);
      const one = await s.serenai('GET', '/plans/launch');
      expect(one.body).toEqual({
        data: {
          id: 'launch',
          name: 'Launch',
          description: expect.any(String),
          price_cents: 4900,
          currency: 'usd',
          interval: 'month',
          included_requests: 100000,
          features: expect.any(Array),
        },
        pagination: null,
      });
      const missing = await s.serenai('GET', '/plans/platinum');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    });

    it("GET /organizations/{organization_id}/plan 200 for 'default' and the organization's id, 404 for another", async () => {
      const agent = await restAgent(s);
      const byDefault = await s.serenai('GET', '/organizations/default/plan', { token: agent.token });
      expect(byDefault.status).toBe(200);
      expect(byDefault.body.data.plan.id).toBe('free');
      expect(byDefault.body.data.organization_plan).toMatchObject({
        organization_id: agent.organizationId,
        plan_id: 'free',
        status: 'active',
        pending_plan_id: null,
      });
      const byId = await s.serenai('GET', `/organizations/${agent.organizationId}/plan`, {
        token: agent.token,
      });
      expect(byId.body).toEqual(byDefault.body);
      const other = await s.serenai('GET', `/organizations/${randomUUID()}/plan`, { token: agent.token });
      expect(other.status).toBe(404);
      expect((await s.serenai('GET', '/organizations/default/plan')).status).toBe(401);
    });

    it('POST /organizations/{organization_id}/plan: 400 without a payment method, 200 upgrade with proration, 200 downgrade at the period end, 404 unknown plan', async () => {
      const agent = await restAgent(s);
      const refused = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        body: { plan_id: 'scale' },
      });
      expect(refused.status).toBe(400);
      expect(refused.body).toMatchObject({ error: 'PAYMENT_METHOD_REQUIRED' });

      const upgraded = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        body: { plan_id: 'scale', stripe_payment_method_id: 'pm_card_visa' },
      });
      expect(upgraded.status).toBe(200);
      expect(upgraded.body.data.plan.id).toBe('scale');
      expect(upgraded.body.data.organization_plan).toMatchObject({
        plan_id: 'scale',
        stripe_payment_method_id: 'pm_card_visa',
        proration_cents: expect.any(Number),
        pending_plan_id: null,
      });
      expect(upgraded.body.data.organization_plan.proration_cents).toBeGreaterThan(0);
      expect(upgraded.body.data.organization_plan.proration_cents).toBeLessThanOrEqual(19900);

      const downgraded = await s.serenai('POST', `/organizations/${agent.organizationId}/plan`, {
        token: agent.token,
        body: { plan_id: 'launch' },
      });
      expect(downgraded.status).toBe(200);
      expect(downgraded.body.data.organization_plan).toMatchObject({
        plan_id: 'scale',
        pending_plan_id: 'launch',
        pending_change_at: downgraded.body.data.organization_plan.current_period_end,
      });

      const unknown = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        body: { plan_id: 'gold' },
      });
      expect(unknown.status).toBe(404);
      const notOurs = await s.serenai('POST', `/organizations/${randomUUID()}/plan`, {
        token: agent.token,
        body: { plan_id: 'free' },
      });
      expect(notOurs.status).toBe(404);
      const noBody = await s.serenai('POST', '/organizations/default/plan', { token: agent.token, body: {} });
      expect(noBody.status).toBe(400);
    });

    it('POST /organizations/{organization_id}/plan with an Idempotency-Key: a retry answers the first change; another plan with the key 400', async () => {
      const agent = await restAgent(s);
      const headers = { 'idempotency-key': `plan-${randomUUID()}` };
      const body = { plan_id: 'launch', stripe_payment_method_id: 'pm_card_visa' };
      const first = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        headers,
        body,
      });
      const again = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        headers,
        body,
      });
      expect(first.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const other = await s.serenai('POST', '/organizations/default/plan', {
        token: agent.token,
        headers,
        body: { plan_id: 'scale' },
      });
      expect(other.status).toBe(400);
      expect(other.body).toMatchObject({ error: 'IDEMPOTENCY_ERROR' });
    });

    it("GET /organizations/{organization_id}/quota 200 counts the month's charges against the plan; 404 for another organization", async () => {
      const agent = await restAgent(s);
      const r = await s.serenai('GET', '/organizations/default/quota', { token: agent.token });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        data: {
          organization_id: agent.organizationId,
          plan_id: 'free',
          period_start: expect.any(String),
          period_end: expect.any(String),
          requests_used: 0,
          requests_limit: 1000,
          requests_remaining: 1000,
          percent_used: 0,
          spend: [],
        },
        pagination: null,
      });
      expect(
        (await s.serenai('GET', `/organizations/${randomUUID()}/quota`, { token: agent.token })).status,
      ).toBe(404);
    });
  });
});
