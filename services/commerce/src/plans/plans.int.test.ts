import { randomUUID } from 'node:crypto';
import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import type Stripe from 'stripe';
import { accounts, postEntry } from '../ledger/index.js';
import { startCommerceService, type CommerceService } from '../service';
import { prorationCents } from './catalog';
import { planOf } from './catalog';

// Payment methods and plans on stripe-mock: it accepts our requests (customers, attach, default,
// an off-session PaymentIntent) and echoes path ids and amounts; the SDK's request events show
// what we sent. The downgrade timer runs on the real Temporal server, with commerce's clock moved to
// 3 seconds before the period's end.

const PLAN_FIELDS = `organizationId status currentPeriodStart currentPeriodEnd lastProrationCents changedAt
  stripePaymentMethodId plan { id } pendingPlan { id } pendingChangeAt`;
const ORG_PLAN = `query ($org: ID!) { organizationPlan(organizationId: $org) { ${PLAN_FIELDS} } }`;
const CHANGE = `mutation ($org: ID!, $plan: ID!, $pm: String, $key: String) {
  changeOrganizationPlan(organizationId: $org, planId: $plan, stripePaymentMethodId: $pm, idempotencyKey: $key) {
    ${PLAN_FIELDS}
  }
}`;
const ADD = `mutation ($pm: String!, $default: Boolean!) {
  addBillingPaymentMethod(stripePaymentMethodId: $pm, setAsDefault: $default) {
    id stripePaymentMethodId type cardBrand cardLast4 isDefault
  }
}`;
const LIST = `{ billingPaymentMethods { id stripePaymentMethodId isDefault } }`;
const REMOVE = `mutation ($id: ID!) { removeBillingPaymentMethod(id: $id) }`;
const QUOTA = `query ($org: ID!) { organizationQuota(organizationId: $org) {
  plan { id } requestsUsed requestsLimit requestsRemaining percentUsed spend { asset amount } periodStart periodEnd } }`;

describe('payment methods and plans', () => {
  let service: CommerceService;
  let sent: { method: string; path: string; idempotency_key?: string }[] = [];
  const realNow = () => new Date();

  beforeAll(async () => {
    service = await startCommerceService(testServiceEnv('commerce'));
    service.application.stripe.client.on('request', (event: Stripe.RequestEvent) => sent.push(event));
  });
  afterAll(async () => {
    await service?.close();
  });
  beforeEach(() => {
    sent = [];
    service.application.now = realNow;
  });

  const organization = () => {
    const organizationId = `org-${randomUUID()}`;
    const as = (permissions = ['billing.read', 'billing.manage']) =>
      asCaller({ subject: `user-${organizationId}`, organizationId, permissions });
    const call = async <T = Record<string, unknown>>(query: string, variables = {}, permissions?: string[]) =>
      graphql<T>(service.url, query, variables, await as(permissions));
    return { organizationId, call };
  };

  it('lists the catalog and answers NOT_FOUND for an unknown plan', async () => {
    const { call } = organization();
    const list = await call<{ serenaiPlans: { id: string; monthlyPriceCents: number }[] }>(
      `{ serenaiPlans { id monthlyPriceCents } }`,
    );
    expect(list.data!.serenaiPlans).toEqual([
      { id: 'free', monthlyPriceCents: 0 },
      { id: 'launch', monthlyPriceCents: 4900 },
      { id: 'scale', monthlyPriceCents: 19900 },
    ]);
    const missing = await call(`{ serenaiPlan(id: "platinum") { id } }`);
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it("starts every organization on Free; 'default' is the caller's organization and another one is NOT_FOUND", async () => {
    const { organizationId, call } = organization();
    const own = await call<{ organizationPlan: { plan: { id: string }; organizationId: string } }>(ORG_PLAN, {
      org: 'default',
    });
    expect(own.data!.organizationPlan).toMatchObject({
      organizationId,
      plan: { id: 'free' },
      changedAt: null,
    });
    const other = await call(ORG_PLAN, { org: `org-${randomUUID()}` });
    expect(other.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('attaches payment methods through Stripe: the first is the default, removing it promotes the next', async () => {
    const { call } = organization();
    const first = await call<{ addBillingPaymentMethod: Record<string, unknown> }>(ADD, {
      pm: 'pm_card_visa',
      default: false,
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.addBillingPaymentMethod).toMatchObject({
      stripePaymentMethodId: 'pm_card_visa',
      type: 'card',
      cardBrand: 'visa',
      cardLast4: '4242',
      isDefault: true,
    });
    expect(sent.map((r) => `${r.method} ${r.path.replace(/cus_\w+/, 'cus_*')}`)).toEqual([
      'POST /v1/customers',
      'POST /v1/payment_methods/pm_card_visa/attach',
      'POST /v1/customers/cus_*',
    ]);
    const second = await call<{ addBillingPaymentMethod: { id: string; isDefault: boolean } }>(ADD, {
      pm: 'pm_card_mastercard',
      default: false,
    });
    expect(second.data!.addBillingPaymentMethod.isDefault).toBe(false);
    // adding one already attached answers it, made the default when asked
    const again = await call<{ addBillingPaymentMethod: { id: string; isDefault: boolean } }>(ADD, {
      pm: 'pm_card_mastercard',
      default: true,
    });
    expect(again.data!.addBillingPaymentMethod).toEqual(
      expect.objectContaining({ id: second.data!.addBillingPaymentMethod.id, isDefault: true }),
    );
    const listed = await call<{
      billingPaymentMethods: { stripePaymentMethodId: string; isDefault: boolean }[];
    }>(LIST);
    expect(listed.data!.billingPaymentMethods.map((m) => [m.stripePaymentMethodId, m.isDefault])).toEqual([
      ['pm_card_mastercard', true],
      ['pm_card_visa', false],
    ]);

    sent = [];
    expect((await call(REMOVE, { id: second.data!.addBillingPaymentMethod.id })).data).toEqual({
      removeBillingPaymentMethod: true,
    });
    expect(sent[0]).toMatchObject({ method: 'POST', path: '/v1/payment_methods/pm_card_mastercard/detach' });
    const after = await call<{
      billingPaymentMethods: { stripePaymentMethodId: string; isDefault: boolean }[];
    }>(LIST);
    expect(after.data!.billingPaymentMethods).toEqual([
      expect.objectContaining({ stripePaymentMethodId: 'pm_card_visa', isDefault: true }),
    ]);
    const gone = await call(REMOVE, { id: second.data!.addBillingPaymentMethod.id });
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed Stripe id, and changes to billing without billing.manage', async () => {
    const { call } = organization();
    const bad = await call(ADD, { pm: 'not-a-payment-method', default: true });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
    const readOnly = await call(ADD, { pm: 'pm_card_visa', default: true }, ['billing.read']);
    expect(readOnly.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(sent).toEqual([]);
  });

  it('upgrades at once, charging the rest of the period off-session; without a payment method it is refused', async () => {
    const { call } = organization();
    const at = new Date(Date.UTC(2026, 11, 16, 0, 0, 0)); // half of December left
    service.application.now = () => at;
    const refused = await call(CHANGE, { org: 'default', plan: 'launch' });
    expect(refused.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'PAYMENT_METHOD_REQUIRED',
    });

    sent = [];
    const upgraded = await call<{ changeOrganizationPlan: Record<string, unknown> }>(CHANGE, {
      org: 'default',
      plan: 'launch',
      pm: 'pm_card_visa',
    });
    expect(upgraded.errors).toBeUndefined();
    const expected = prorationCents(planOf('free')!, planOf('launch')!, at);
    expect(expected).toBe(Math.round((4900 * 16) / 31));
    expect(upgraded.data!.changeOrganizationPlan).toMatchObject({
      plan: { id: 'launch' },
      lastProrationCents: expected,
      stripePaymentMethodId: 'pm_card_visa',
      currentPeriodStart: '2026-12-01T00:00:00.000Z',
      currentPeriodEnd: '2027-01-01T00:00:00.000Z',
      pendingPlan: null,
    });
    // the new card was attached first, then charged with an idempotency key of the change
    const intent = sent.find((r) => r.path === '/v1/payment_intents');
    expect(sent.map((r) => r.path)).toContain('/v1/payment_methods/pm_card_visa/attach');
    expect(intent?.idempotency_key).toMatch(/^plan-change:/);
  });

  it('answers a retried upgrade with the same idempotency key from the first, charging once; another plan with the key is refused', async () => {
    const { call } = organization();
    await call(ADD, { pm: 'pm_card_visa', default: true });
    service.application.now = () => new Date(Date.UTC(2026, 11, 5));
    sent = [];
    const key = `plan-${randomUUID()}`;
    const first = await call<{ changeOrganizationPlan: unknown }>(CHANGE, {
      org: 'default',
      plan: 'launch',
      key,
    });
    const again = await call<{ changeOrganizationPlan: unknown }>(CHANGE, {
      org: 'default',
      plan: 'launch',
      key,
    });
    expect(first.errors).toBeUndefined();
    expect(again.data).toEqual(first.data);
    const charges = sent.filter((r) => r.path === '/v1/payment_intents');
    expect(charges).toHaveLength(1);
    expect(charges[0]!.idempotency_key).toMatch(new RegExp(`:${key}$`));
    const other = await call(CHANGE, { org: 'default', plan: 'scale', key });
    expect(other.errors?.[0]?.extensions).toMatchObject({
      code: 'VALIDATION_ERROR',
      reason: 'IDEMPOTENCY_ERROR',
    });
  });

  it('downgrades at the end of the period, by the durable timer; asking for the current plan again drops it', async () => {
    const { organizationId, call } = organization();
    await call(ADD, { pm: 'pm_card_visa', default: true });
    service.application.now = () => new Date(Date.UTC(2026, 11, 10));
    await call(CHANGE, { org: organizationId, plan: 'scale' });

    // a downgrade, cancelled by asking for Scale again: its timer must not apply it
    service.application.now = () => new Date(Date.UTC(2026, 11, 31, 23, 59, 58));
    const dropped = await call<{ changeOrganizationPlan: { pendingPlan: { id: string } | null } }>(CHANGE, {
      org: organizationId,
      plan: 'free',
    });
    expect(dropped.data!.changeOrganizationPlan.pendingPlan).toEqual({ id: 'free' });
    const kept = await call<{ changeOrganizationPlan: { pendingPlan: unknown; plan: { id: string } } }>(
      CHANGE,
      {
        org: organizationId,
        plan: 'scale',
      },
    );
    expect(kept.data!.changeOrganizationPlan).toMatchObject({ plan: { id: 'scale' }, pendingPlan: null });

    service.application.now = () => new Date(Date.UTC(2026, 11, 31, 23, 59, 57));
    const scheduled = await call<{ changeOrganizationPlan: Record<string, unknown> }>(CHANGE, {
      org: organizationId,
      plan: 'launch',
    });
    expect(scheduled.data!.changeOrganizationPlan).toMatchObject({
      plan: { id: 'scale' },
      pendingPlan: { id: 'launch' },
      pendingChangeAt: '2027-01-01T00:00:00.000Z',
      lastProrationCents: expect.any(Number),
    });

    const deadline = Date.now() + 30_000;
    let planId = 'scale';
    while (planId === 'scale' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      planId = (await call<{ organizationPlan: { plan: { id: string } } }>(ORG_PLAN, { org: organizationId }))
        .data!.organizationPlan.plan.id;
    }
    expect(planId).toBe('launch');
    const { events } = await service.eventStore.readStream(`organization-plan-${organizationId}`);
    expect(events.map((e) => e.type)).toEqual([
      'OrganizationPlanChanged',
      'PlanDowngradeScheduled',
      'PlanDowngradeCancelled',
      'PlanDowngradeScheduled',
      'OrganizationPlanChanged',
    ]);
    expect(events.at(-1)?.data).toMatchObject({
      fromPlanId: 'scale',
      toPlanId: 'launch',
      changedBy: 'system',
    });
  }, 60_000);

  it("counts the organization's charges of the period against its plan's quota", async () => {
    const { organizationId, call } = organization();
    await service.dataSource.transaction(async (tx) => {
      await postEntry(tx, {
        kind: 'deposit_stripe',
        reference: `dep-${organizationId}`,
        organizationId,
        lines: [
          { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: 10_000_000n },
          { account: accounts.system('onchain_clearing', 'USDC'), asset: 'USDC', amount: -10_000_000n },
        ],
      });
      for (const n of [1, 2, 3])
        await postEntry(tx, {
          kind: 'charge',
          reference: `charge-${organizationId}-${n}`,
          organizationId,
          lines: [
            { account: accounts.agentFunded(organizationId, 'USDC'), asset: 'USDC', amount: -250_000n },
            { account: accounts.system('fees', 'USDC'), asset: 'USDC', amount: 250_000n },
          ],
        });
    });
    const quota = await call<{ organizationQuota: Record<string, unknown> }>(QUOTA, { org: 'default' });
    expect(quota.errors).toBeUndefined();
    expect(quota.data!.organizationQuota).toMatchObject({
      plan: { id: 'free' },
      requestsUsed: 3,
      requestsLimit: 1000,
      requestsRemaining: 997,
      percentUsed: 0.3,
      spend: [{ asset: 'USDC', amount: '0.75' }],
    });
  });
});
