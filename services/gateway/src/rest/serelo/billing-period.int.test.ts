import { timeSkippingWorkflowKit, type TimeSkippingWorkflowKit } from '@seren/testing';
import type { Content } from '../../../../content/src/application';
import {
  startFakePaystack,
  type FakePaystack,
} from '../../../../content/src/billing/test-support/paystack-server';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restUser } from '../../test-support/rest-flows';

// Serelo "Billing": "Automatically downgrades to FREE plan after period ends", through the gateway.
// Content runs its workflows on Temporal's TIME-SKIPPING test server (packages/testing's kit), so
// the subscription's durable timer (a month) fires when the test moves the server's clock; the
// rest is the real PostgreSQL and Kafka. Paystack is the local stand-in speaking its documented API.

describe('Serelo billing periods on a time-skipping Temporal', () => {
  let kit: TimeSkippingWorkflowKit;
  let paystack: FakePaystack;
  let s: RestSuite;
  beforeAll(async () => {
    kit = await timeSkippingWorkflowKit();
    paystack = await startFakePaystack();
    s = await startRestSuite({
      contentEnv: {
        PAYSTACK_API_BASE: paystack.url,
        PAYSTACK_SECRET_KEY: paystack.secretKey,
        TEMPORAL_ADDRESS: kit.env.address,
      },
    });
  }, 600_000);
  afterAll(async () => {
    await s?.close();
    await paystack?.close();
    await kit?.close();
  });

  const content = () => s.content.application as Content;

  async function webhook(event: object) {
    const body = JSON.stringify(event);
    const response = await fetch(`${s.gateway.listeners.serelo.url}/api/v1/billing/paystack/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-paystack-signature': paystack.sign(body) },
      body,
    });
    expect(response.status).toBe(200);
  }

  async function paidUser(label: string, plan: string) {
    const user = await restUser(s, label);
    await eventually(async () => {
      const rows: unknown[] = await content().dataSource.query(
        `select 1 from billing_customers where user_id = $1`,
        [user.id],
      );
      return rows.length > 0;
    }, 20_000);
    const created = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan },
    });
    expect(created.status).toBe(201);
    paystack.pay(created.body.reference);
    await webhook(paystack.chargeSuccessEvent(created.body.reference));
    await webhook(paystack.subscriptionCreateEvent(created.body.reference));
    return user;
  }

  const subscriptionOf = async (token: string) =>
    (await s.serelo('GET', '/api/v1/billing/subscription', { token })).body;

  // One subscription through its life (the server's clock only moves forward, so one story keeps
  // Paystack's real-time payment dates and the workflows' skipped time in step).
  it('business, downgraded to pro: at the cycle end pro applies with 0 posts used and its Paystack subscription; cancelled, pro until its end date, then free', async () => {
    const user = await paidUser('billing-period', 'business');
    const first = await subscriptionOf(user.token);
    expect(first).toMatchObject({
      plan: 'business',
      status: 'active',
      next_billing_date: expect.any(String),
    });
    const businessCode = first.paystack_subscription_id as string;
    // three posts used in the first cycle (as the generation quota records them)
    await content().dataSource.query(
      `insert into generation_quota_usage (user_id, period, posts_used) values ($1, $2, 3)`,
      [user.id, new Date(first.billing_cycle_start).toISOString()],
    );
    expect((await subscriptionOf(user.token)).quota.posts_used).toBe(3);
    const downgrade = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'pro' },
    });
    expect(downgrade.body).toMatchObject({ plan: 'pro', status: 'active', authorization_url: null });
    expect(paystack.subscriptions.get(businessCode)!.status).toBe('non-renewing');
    expect(await subscriptionOf(user.token)).toMatchObject({ plan: 'business', pending_plan: 'pro' });

    // the cycle's end: its timer starts the next cycle, on the lower plan
    await kit.env.sleep(Date.parse(first.next_billing_date) - (await kit.env.currentTimeMs()) + 60_000);
    await eventually(async () => {
      const now = await subscriptionOf(user.token);
      return (
        now.billing_cycle_start === first.next_billing_date && now.paystack_subscription_id !== businessCode
      );
    }, 30_000);
    const second = await subscriptionOf(user.token);
    expect(second).toMatchObject({
      plan: 'pro',
      status: 'active',
      pending_plan: null,
      quota: { posts_limit: 200, posts_used: 0, concurrent_limit: 10 },
    });
    const proSubscription = paystack.subscriptions.get(second.paystack_subscription_id)!;
    expect(proSubscription).toMatchObject({ status: 'active', amount: 99_900 });

    const cancelled = await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', end_date: second.billing_cycle_end });
    const endDate = Date.parse(cancelled.body.end_date);
    // a day before the end: still pro
    await kit.env.sleep(endDate - (await kit.env.currentTimeMs()) - 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await subscriptionOf(user.token)).toMatchObject({ plan: 'pro', status: 'cancelled' });
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.subscription_tier).toBe(
      'pro',
    );
    // past the end: the durable timer drops the user to free
    await kit.env.sleep(2 * 86_400_000);
    await eventually(async () => (await subscriptionOf(user.token)).plan === 'free', 30_000);
    expect(await subscriptionOf(user.token)).toMatchObject({
      plan: 'free',
      status: 'active',
      quota: { posts_limit: 10, posts_used: 0, bulk_limit: 10, concurrent_limit: 1 },
      paystack_subscription_id: null,
      end_date: null,
    });
    const me = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(me.body).toMatchObject({ subscription_tier: 'free', quota: { posts_limit: 10 } });
    const history = await s.client.ok<{ subscriptionHistory: { change: string; plan: string }[] }>(
      `{ subscriptionHistory { change plan } }`,
      {},
      user,
    );
    expect(history.subscriptionHistory).toEqual([
      { change: 'SubscriptionCheckoutStarted', plan: 'business' },
      { change: 'SubscriptionActivated', plan: 'business' },
      { change: 'PaystackSubscriptionLinked', plan: 'business' },
      { change: 'SubscriptionDowngradeScheduled', plan: 'pro' },
      { change: 'SubscriptionCycleStarted', plan: 'pro' },
      { change: 'PaystackSubscriptionLinked', plan: 'pro' },
      { change: 'SubscriptionCancelled', plan: 'pro' },
      { change: 'SubscriptionEnded', plan: 'free' },
    ]);
    expect(proSubscription.status).toBe('non-renewing'); // the cancel stopped the pro one at Paystack
  }, 300_000);
});

// A fresh time-skipping server of its own: the server's clock only moves forward, and this story
// starts at today's real time like Paystack's dates.
describe('Serelo billing past_due grace on a time-skipping Temporal', () => {
  let kit: TimeSkippingWorkflowKit;
  let paystack: FakePaystack;
  let s: RestSuite;
  beforeAll(async () => {
    kit = await timeSkippingWorkflowKit();
    paystack = await startFakePaystack();
    s = await startRestSuite({
      contentEnv: {
        PAYSTACK_API_BASE: paystack.url,
        PAYSTACK_SECRET_KEY: paystack.secretKey,
        TEMPORAL_ADDRESS: kit.env.address,
      },
    });
  }, 600_000);
  afterAll(async () => {
    await s?.close();
    await paystack?.close();
    await kit?.close();
  });

  async function webhook(event: object) {
    const body = JSON.stringify(event);
    const response = await fetch(`${s.gateway.listeners.serelo.url}/api/v1/billing/paystack/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-paystack-signature': paystack.sign(body) },
      body,
    });
    expect(response.status).toBe(200);
  }

  it('a failed renewal keeps pro through its grace period, then the user is on free', async () => {
    const user = await restUser(s, 'billing-grace');
    const content = s.content.application as Content;
    await eventually(async () => {
      const rows: unknown[] = await content.dataSource.query(
        `select 1 from billing_customers where user_id = $1`,
        [user.id],
      );
      return rows.length > 0;
    }, 20_000);
    const created = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'pro' },
    });
    paystack.pay(created.body.reference);
    await webhook(paystack.chargeSuccessEvent(created.body.reference));
    await webhook(paystack.subscriptionCreateEvent(created.body.reference));
    const subscriptionOf = async () =>
      (await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body;
    const code = (await subscriptionOf()).paystack_subscription_id as string;
    await webhook(paystack.invoicePaymentFailedEvent(code));
    const pastDue = await subscriptionOf();
    expect(pastDue).toMatchObject({ plan: 'pro', status: 'past_due', end_date: expect.any(String) });
    const graceEnd = Date.parse(pastDue.end_date);
    await kit.env.sleep(graceEnd - (await kit.env.currentTimeMs()) - 86_400_000);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await subscriptionOf()).toMatchObject({ plan: 'pro', status: 'past_due' });
    await kit.env.sleep(2 * 86_400_000);
    await eventually(async () => (await subscriptionOf()).plan === 'free', 30_000);
    expect(await subscriptionOf()).toMatchObject({
      plan: 'free',
      status: 'active',
      quota: { posts_limit: 10 },
    });
    // Paystack no longer charges it
    expect(paystack.subscriptions.get(code)!.status).toBe('non-renewing');
  }, 300_000);
});
