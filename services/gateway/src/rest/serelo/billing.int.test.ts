import type { Content } from '../../../../content/src/application';
import {
  startFakePaystack,
  type FakePaystack,
} from '../../../../content/src/billing/test-support/paystack-server';
import { subscriptionStateOf } from '../../../../content/src/billing/queries';
import { timerOf } from '../../../../content/src/billing/subscription';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restUser } from '../../test-support/rest-flows';

// Serelo "Billing" through the gateway, on the real PostgreSQL, Kafka and Temporal. Paystack cannot
// be reached from this machine: content's PAYSTACK_API_BASE points at a LOCAL STAND-IN speaking
// Paystack's documented API (content's billing/test-support/paystack-server.ts), which also plays
// the customer paying at the checkout and builds Paystack's documented webhook payloads, signed
// with the secret key as Paystack signs them.

describe('Serelo REST (billing) through the gateway, with a local Paystack stand-in', () => {
  let s: RestSuite;
  let paystack: FakePaystack;
  beforeAll(async () => {
    paystack = await startFakePaystack();
    s = await startRestSuite({
      contentEnv: { PAYSTACK_API_BASE: paystack.url, PAYSTACK_SECRET_KEY: paystack.secretKey },
    });
  });
  afterAll(async () => {
    await s?.close();
    await paystack?.close();
  });

  const detail = (code: string) => ({ detail: { code, message: expect.any(String) } });
  const content = () => s.content.application as Content;

  async function webhook(event: object, signature?: string) {
    const body = JSON.stringify(event);
    const response = await fetch(`${s.gateway.listeners.serelo.url}/api/v1/billing/paystack/webhook`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-paystack-signature': signature ?? paystack.sign(body),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  /** A registered user whose email content has from identity's events (Paystack needs it). */
  async function billableUser(label: string) {
    const user = await restUser(s, label);
    await eventually(async () => {
      const rows: unknown[] = await content().dataSource.query(
        `select 1 from billing_customers where user_id = $1`,
        [user.id],
      );
      return rows.length > 0;
    }, 20_000);
    return user;
  }

  async function newProject(token: string) {
    const r = await s.serelo('POST', '/api/v1/projects', { token, body: { name: 'Billing blog' } });
    expect(r.status).toBe(201);
    return r.body.id as string;
  }

  async function generate(token: string, projectId: string, topic: string) {
    return s.serelo('POST', '/api/v1/posts/generate', {
      token,
      body: { project_id: projectId, topic, voice: 'professional', target_length: 'short' },
    });
  }

  async function jobDone(token: string, jobId: string) {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const job = await s.serelo('GET', `/api/v1/jobs/${jobId}`, { token });
      if (job.body.status === 'completed' || job.body.status === 'failed' || Date.now() > deadline)
        return job;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Subscribes to `plan`, pays at the checkout and delivers Paystack's charge.success and subscription.create. */
  async function subscribe(token: string, plan: string) {
    const created = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token,
      body: { plan, payment_method: 'card' },
    });
    expect(created.status).toBe(201);
    const page = await fetch(created.body.authorization_url as string);
    expect(page.status).toBe(200);
    paystack.pay(created.body.reference as string);
    const charged = await webhook(paystack.chargeSuccessEvent(created.body.reference as string));
    expect(charged).toEqual({ status: 200, body: { received: true, duplicate: false } });
    const linked = await webhook(paystack.subscriptionCreateEvent(created.body.reference as string));
    expect(linked).toEqual({ status: 200, body: { received: true, duplicate: false } });
    return created.body as { subscription_id: string; reference: string; authorization_url: string };
  }

  it('a free user generates up to 10 posts; the 11th is 403 QUOTA_EXCEEDED; then pro via the authorization URL and a signed charge.success: limit 200 at once', async () => {
    const user = await billableUser('billing-quota');
    const projectId = await newProject(user.token);
    const free = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(free.status).toBe(200);
    expect(free.body).toEqual({
      user_id: user.id,
      plan: 'free',
      status: 'active',
      billing_cycle_start: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00Z$/),
      billing_cycle_end: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T23:59:59Z$/),
      quota: { posts_limit: 10, posts_used: 0, bulk_limit: 10, concurrent_limit: 1 },
      paystack_subscription_id: null,
      next_billing_date: null,
      pending_plan: null,
      end_date: null,
    });
    for (let i = 1; i <= 10; i++) {
      // free has one generation at a time: the job reads completed a moment before its slot is
      // given back, so a 429 (retry_after) is retried as a client would
      let accepted = await generate(user.token, projectId, `Topic number ${i}`);
      for (let tries = 0; accepted.status === 429 && tries < 50; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        accepted = await generate(user.token, projectId, `Topic number ${i}`);
      }
      expect(accepted.status).toBe(202);
      expect((await jobDone(user.token, accepted.body.job_id)).body.status).toBe('completed');
    }
    const eleventh = await generate(user.token, projectId, 'Topic number 11');
    expect(eleventh.status).toBe(403);
    expect(eleventh.body).toEqual(detail('QUOTA_EXCEEDED'));
    const me = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(me.body).toMatchObject({ subscription_tier: 'free', quota: { posts_used: 10, posts_limit: 10 } });

    // pro, paid on Paystack's checkout page
    const created = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'pro', payment_method: 'card' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      subscription_id: expect.stringMatching(/^sub_/),
      plan: 'pro',
      status: 'pending',
      authorization_url: expect.stringMatching(new RegExp(`^${paystack.url}/checkout/`)),
      reference: expect.stringMatching(/^srl_/),
    });
    const initialized = paystack.transactions.get(created.body.reference)!;
    expect(initialized).toMatchObject({
      email: user.email,
      amount: 99_900,
      currency: 'ZAR',
      channels: ['card'],
    });
    expect(paystack.plans.find((p) => p.plan_code === initialized.planCode)).toMatchObject({
      name: 'Serelo pro',
      amount: 99_900,
      interval: 'monthly',
      currency: 'ZAR',
    });
    // not paid yet: still free
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.subscription_tier).toBe(
      'free',
    );
    expect((await fetch(created.body.authorization_url)).status).toBe(200);
    paystack.pay(created.body.reference);
    const charge = paystack.chargeSuccessEvent(created.body.reference);
    expect(await webhook(charge)).toEqual({ status: 200, body: { received: true, duplicate: false } });

    const pro = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(pro.body).toMatchObject({ subscription_tier: 'pro', quota: { posts_limit: 200, posts_used: 0 } });
    const subscription = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(subscription.body).toMatchObject({
      plan: 'pro',
      status: 'active',
      quota: { posts_limit: 200, posts_used: 0, bulk_limit: 500, concurrent_limit: 10 },
      paystack_subscription_id: null,
      next_billing_date: expect.any(String),
    });
    // the limit is raised at once: the 11th post of the month is accepted now
    expect((await generate(user.token, projectId, 'Topic number 11')).status).toBe(202);

    // Paystack created the plan's subscription
    expect(await webhook(paystack.subscriptionCreateEvent(created.body.reference))).toEqual({
      status: 200,
      body: { received: true, duplicate: false },
    });
    const linked = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(linked.body.paystack_subscription_id).toMatch(/^SUB_/);

    // a forged signature is refused, and changes nothing
    const forged = await webhook(
      charge,
      paystack.sign(JSON.stringify({ ...charge, event: 'charge.failed' })),
    );
    expect(forged.status).toBe(401);
    expect(forged.body).toEqual(detail('INVALID_SIGNATURE'));
    const unsigned = await fetch(`${s.gateway.listeners.serelo.url}/api/v1/billing/paystack/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(charge),
    });
    expect(unsigned.status).toBe(401);

    // a replayed webhook has no second effect
    expect(await webhook(charge)).toEqual({ status: 200, body: { received: true, duplicate: true } });
    const history = await s.client.ok<{
      subscriptionHistory: { change: string; plan: string; status: string }[];
    }>(`{ subscriptionHistory { change plan status } }`, {}, user);
    expect(history.subscriptionHistory).toEqual([
      { change: 'SubscriptionCheckoutStarted', plan: 'pro', status: 'pending' },
      { change: 'SubscriptionActivated', plan: 'pro', status: 'active' },
      { change: 'PaystackSubscriptionLinked', plan: 'pro', status: 'active' },
    ]);
  }, 180_000);

  it('cancel: status cancelled with its end date, still pro until then; Paystack stops renewing; cancelling again answers the same', async () => {
    const user = await billableUser('billing-cancel');
    await subscribe(user.token, 'pro');
    const before = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    const code = before.body.paystack_subscription_id as string;
    expect(paystack.subscriptions.get(code)!.status).toBe('active');

    const cancelled = await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toEqual({
      subscription_id: expect.stringMatching(/^sub_/),
      status: 'cancelled',
      end_date: before.body.billing_cycle_end,
      message: `Subscription will end on ${(before.body.billing_cycle_end as string).slice(0, 10)}. You'll keep access until then.`,
    });
    expect(paystack.subscriptions.get(code)!.status).toBe('non-renewing');
    const after = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(after.body).toMatchObject({
      plan: 'pro',
      status: 'cancelled',
      end_date: before.body.billing_cycle_end,
      next_billing_date: null,
      quota: { posts_limit: 200 },
    });
    expect((await s.serelo('GET', '/api/v1/users/me', { token: user.token })).body.subscription_tier).toBe(
      'pro',
    );
    const again = await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token });
    expect(again).toMatchObject({ status: 200, body: cancelled.body });
    // Paystack's own subscription.disable for it changes nothing more
    expect((await webhook(paystack.subscriptionDisableEvent(code))).body).toEqual({
      received: true,
      duplicate: false,
    });
    expect((await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body.status).toBe(
      'cancelled',
    );

    // and over GraphQL, the same subscription
    const graph = await s.client.ok<{
      billingSubscription: { plan: string; status: string; endDate: string };
    }>(`{ billingSubscription { plan status endDate } }`, {}, user);
    expect(graph.billingSubscription).toEqual({
      plan: 'pro',
      status: 'cancelled',
      endDate: before.body.billing_cycle_end,
    });
  }, 120_000);

  it('refuses what the spec does not allow: free, an unknown plan, the plan held, cancel on free', async () => {
    const user = await billableUser('billing-refusals');
    const post = (body: unknown) =>
      s.serelo('POST', '/api/v1/billing/subscriptions', { token: user.token, body });
    expect(await post({ plan: 'free' })).toMatchObject({ status: 400, body: detail('VALIDATION_ERROR') });
    expect(await post({ plan: 'platinum' })).toMatchObject({ status: 400, body: detail('VALIDATION_ERROR') });
    expect(await post({ plan: 'pro', payment_method: 'cheque' })).toMatchObject({
      status: 400,
      body: detail('VALIDATION_ERROR'),
    });
    expect(
      await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token }),
    ).toMatchObject({
      status: 409,
      body: detail('NO_ACTIVE_SUBSCRIPTION'),
    });
    await subscribe(user.token, 'starter');
    expect(await post({ plan: 'starter' })).toMatchObject({
      status: 409,
      body: detail('ALREADY_SUBSCRIBED'),
    });
    expect((await s.serelo('GET', '/api/v1/billing/subscription')).status).toBe(401);
  }, 120_000);

  it("a subscription.create that Paystack sends before the checkout's charge.success is linked by that charge", async () => {
    const user = await billableUser('billing-early-link');
    const created = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'pro' },
    });
    expect(created.status).toBe(201);
    paystack.pay(created.body.reference);
    expect((await webhook(paystack.subscriptionCreateEvent(created.body.reference))).status).toBe(200);
    expect((await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body).toMatchObject(
      {
        plan: 'free',
        paystack_subscription_id: null,
      },
    );
    expect((await webhook(paystack.chargeSuccessEvent(created.body.reference))).status).toBe(200);
    const linked = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(linked.body).toMatchObject({
      plan: 'pro',
      paystack_subscription_id: expect.stringMatching(/^SUB_/),
    });
    // so a cancel stops it at Paystack
    expect(
      (await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token })).status,
    ).toBe(200);
    expect(paystack.subscriptions.get(linked.body.paystack_subscription_id)!.status).toBe('non-renewing');
  }, 120_000);

  it('an upgrade mid-cycle keeps the cycle and its posts used with the higher limit; a downgrade is scheduled for the cycle end', async () => {
    const user = await billableUser('billing-upgrade');
    await subscribe(user.token, 'starter');
    const projectId = await newProject(user.token);
    const accepted = await generate(user.token, projectId, 'One starter post');
    expect((await jobDone(user.token, accepted.body.job_id)).body.status).toBe('completed');
    const starter = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(starter.body).toMatchObject({ plan: 'starter', quota: { posts_limit: 50, posts_used: 1 } });
    const oldCode = starter.body.paystack_subscription_id as string;

    const business = await subscribe(user.token, 'business');
    const upgraded = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(upgraded.body).toMatchObject({
      plan: 'business',
      billing_cycle_start: starter.body.billing_cycle_start,
      billing_cycle_end: starter.body.billing_cycle_end,
      quota: { posts_limit: 500, posts_used: 1, concurrent_limit: 20 },
    });
    expect(upgraded.body.paystack_subscription_id).not.toBe(oldCode);
    expect(paystack.subscriptions.get(oldCode)!.status).toBe('non-renewing'); // the old plan stops renewing
    expect(business.subscription_id).toMatch(/^sub_/);

    const downgrade = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'pro' },
    });
    expect(downgrade.status).toBe(201);
    expect(downgrade.body).toEqual({
      subscription_id: business.subscription_id,
      plan: 'pro',
      status: 'active',
      authorization_url: null,
      reference: null,
    });
    const scheduled = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(scheduled.body).toMatchObject({
      plan: 'business',
      pending_plan: 'pro',
      quota: { posts_limit: 500 },
    });
    const businessCode = scheduled.body.paystack_subscription_id as string;
    expect(paystack.subscriptions.get(businessCode)!.status).toBe('non-renewing');

    // business asked for again: the scheduled downgrade is taken back, and business renews again
    const kept = await s.serelo('POST', '/api/v1/billing/subscriptions', {
      token: user.token,
      body: { plan: 'business', payment_method: 'card' },
    });
    expect(kept.status).toBe(201);
    expect(kept.body).toEqual({
      subscription_id: business.subscription_id,
      plan: 'business',
      status: 'active',
      authorization_url: null,
      reference: null,
    });
    const withdrawn = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(withdrawn.body).toMatchObject({
      plan: 'business',
      status: 'active',
      pending_plan: null,
      paystack_subscription_id: businessCode,
      billing_cycle_end: starter.body.billing_cycle_end,
      next_billing_date: expect.any(String),
      quota: { posts_limit: 500, posts_used: 1 },
    });
    expect(paystack.subscriptions.get(businessCode)!.status).toBe('active');
    // Paystack's late report of the downgrade's disabling cancels nothing: the subscription is enabled again
    expect((await webhook(paystack.subscriptionDisableEvent(businessCode))).status).toBe(200);
    expect((await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body).toMatchObject(
      { plan: 'business', status: 'active', pending_plan: null },
    );
    // with nothing scheduled, the plan held is refused again
    expect(
      await s.serelo('POST', '/api/v1/billing/subscriptions', {
        token: user.token,
        body: { plan: 'business' },
      }),
    ).toMatchObject({ status: 409, body: detail('ALREADY_SUBSCRIBED') });
    const history = await s.client.ok<{ subscriptionHistory: { change: string; plan: string }[] }>(
      `{ subscriptionHistory { change plan } }`,
      {},
      user,
    );
    expect(history.subscriptionHistory.slice(-2)).toEqual([
      { change: 'SubscriptionDowngradeScheduled', plan: 'pro' },
      { change: 'SubscriptionDowngradeCancelled', plan: 'business' },
    ]);
  }, 180_000);

  it('a failed renewal makes the subscription past_due with a grace period, and a charge recovers it', async () => {
    const user = await billableUser('billing-past-due');
    await subscribe(user.token, 'pro');
    const code = (await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body
      .paystack_subscription_id as string;
    expect((await webhook(paystack.invoicePaymentFailedEvent(code))).status).toBe(200);
    const pastDue = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(pastDue.body).toMatchObject({
      plan: 'pro',
      status: 'past_due',
      end_date: expect.any(String),
      next_billing_date: null,
    });
    expect(Date.parse(pastDue.body.end_date) - Date.now()).toBeGreaterThan(6 * 86_400_000);
    // the renewal charge succeeds on a retry
    const renewal = paystack.chargeSuccessEvent(
      [...paystack.transactions.values()].find((t) => t.email === user.email)!.reference,
    );
    const retried = {
      ...renewal,
      data: {
        ...(renewal as { data: object }).data,
        id: 999_000 + Math.floor(Math.random() * 1000),
        reference: `renewal_${user.id}`,
      },
    };
    expect((await webhook(retried)).status).toBe(200);
    expect((await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body).toMatchObject(
      {
        plan: 'pro',
        status: 'active',
        end_date: null,
      },
    );
  }, 120_000);

  it('cancelling while past_due keeps the plan until the grace period ends, not the whole cycle', async () => {
    const user = await billableUser('billing-past-due-cancel');
    await subscribe(user.token, 'pro');
    const active = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    const code = active.body.paystack_subscription_id as string;
    expect((await webhook(paystack.invoicePaymentFailedEvent(code))).status).toBe(200);
    const pastDue = await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token });
    expect(pastDue.body).toMatchObject({ status: 'past_due', end_date: expect.any(String) });
    expect(pastDue.body.end_date).not.toBe(active.body.billing_cycle_end);

    const cancelled = await s.serelo('POST', '/api/v1/billing/subscriptions/cancel', { token: user.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', end_date: pastDue.body.end_date });
    expect((await s.serelo('GET', '/api/v1/billing/subscription', { token: user.token })).body).toMatchObject(
      {
        plan: 'pro',
        status: 'cancelled',
        end_date: pastDue.body.end_date,
        billing_cycle_end: pastDue.body.end_date,
      },
    );
    // the durable timer ends it then
    expect(timerOf(await subscriptionStateOf(content(), user.id))).toEqual({
      kind: 'cycle_end',
      at: new Date(Date.parse(pastDue.body.end_date) + 1000).toISOString(),
    });
  }, 120_000);
});
