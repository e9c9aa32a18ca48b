import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { Client as PgClient } from 'pg';
import { asCaller, freshConsumerGroup, graphql, testServiceEnv } from '@seren/testing';
import { startContentService, type ContentService } from '../service';
import { startContentChild } from '../test-support/content-process';
import { subscriptionLifecycleWorkflowId } from './service';
import { addMonths } from './subscription';
import { startFakePaystack, type FakePaystack } from './test-support/paystack-server';

// The subscription's durable timer survives its worker dying: a content process activates a paid
// subscription whose billing cycle ends about 20 s later (the charge's paid_at set a month back at
// the Paystack stand-in), its subscriptionLifecycle workflow sleeps on the timer, and the process is
// SIGKILLed mid-sleep (no shutdown: its worker and its cached workflow go at once). Another instance
// (same database, same task queue) is started; when the timer fires it closes the period: the next
// cycle starts once, and the workflow sleeps again on the new cycle's end. Real PostgreSQL, Kafka
// and Temporal.

const SUBSCRIPTION = `query { billingSubscription { plan status billingCycleStart billingCycleEnd } }`;

interface SubscriptionView {
  plan: string;
  status: string;
  billingCycleStart: string;
  billingCycleEnd: string;
}

describe("a subscription's billing cycle closes after the worker sleeping on it was SIGKILLed", () => {
  let paystack: FakePaystack;
  let child: ChildProcess | undefined;
  let survivor: ContentService | undefined;
  let temporal: Connection | undefined;

  beforeAll(async () => {
    paystack = await startFakePaystack();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await survivor?.close();
    await temporal?.close();
    await paystack?.close();
  });

  it('a second instance closes the period the killed one was waiting for: SubscriptionCycleStarted once, the next timer set', async () => {
    const env = testServiceEnv('content', {
      env: {
        PAYSTACK_API_BASE: paystack.url,
        PAYSTACK_SECRET_KEY: paystack.secretKey,
        CONTENT_BILLING_CUSTOMERS_GROUP: await freshConsumerGroup('content.billing-customers', [
          'identity.user',
        ]),
      },
    });
    const started = await startContentChild(env);
    child = started.child;
    const userId = randomUUID();
    const headers = await asCaller({ subject: userId });

    // the customer's email, as the billing-customers consumer records it from identity's UserRegistered
    const database = new URL(env.DATABASE_URL!);
    database.pathname = `/${env.CONTENT_DATABASE}`;
    const pg = new PgClient({ connectionString: database.toString() });
    await pg.connect();
    try {
      await pg.query(`insert into billing_customers (user_id, email, updated_at) values ($1, $2, now())`, [
        userId,
        `${userId}@example.com`,
      ]);
    } finally {
      await pg.end();
    }

    const checkout = await graphql<{ createSubscription: { reference: string; status: string } }>(
      started.url,
      `
        mutation {
          createSubscription(plan: "pro") {
            reference
            status
          }
        }
      `,
      {},
      headers,
    );
    expect(checkout.errors).toBeUndefined();
    const { reference } = checkout.data!.createSubscription;
    // paid a month ago, less 20 s: the cycle (a calendar month from the charge) ends 20 s from now
    const cycleEnd = new Date(Math.ceil((Date.now() + 20_000) / 1000) * 1000);
    const paidAt = addMonths(cycleEnd, -1);
    expect(addMonths(paidAt, 1).toISOString()).toBe(cycleEnd.toISOString());
    paystack.pay(reference).paidAt = paidAt.toISOString();
    const webhook = async (event: object) => {
      const body = JSON.stringify(event);
      const response = await fetch(`${started.url}/internal/billing/paystack/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-paystack-signature': paystack.sign(body) },
        body,
      });
      expect(response.status).toBe(200);
    };
    await webhook(paystack.chargeSuccessEvent(reference));
    await webhook(paystack.subscriptionCreateEvent(reference));
    const active = await graphql<{ billingSubscription: SubscriptionView }>(
      started.url,
      SUBSCRIPTION,
      {},
      headers,
    );
    expect(active.data?.billingSubscription).toMatchObject({ plan: 'pro', status: 'active' });
    // the answer shows whole seconds
    expect(Date.parse(active.data!.billingSubscription.billingCycleStart)).toBe(paidAt.getTime());

    // the child's worker has run the workflow up to its sleep on the cycle's end
    temporal = await Connection.connect({ address: env.TEMPORAL_ADDRESS! });
    const workflow = new Client({ connection: temporal }).workflow.getHandle(
      subscriptionLifecycleWorkflowId(userId),
    );
    const timersStarted = async () =>
      ((await workflow.fetchHistory()).events ?? []).filter((e) => e.timerStartedEventAttributes).length;
    const sleeping = Date.now() + 15_000;
    while ((await timersStarted()) === 0 && Date.now() < sleeping)
      await new Promise((r) => setTimeout(r, 100));
    expect(await timersStarted()).toBeGreaterThanOrEqual(1);

    // killed while the timer runs, well before it fires
    expect(Date.now()).toBeLessThan(cycleEnd.getTime() - 2_000);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    survivor = await startContentService(env);
    const until = Date.now() + 90_000;
    let view: SubscriptionView | undefined;
    do {
      await new Promise((r) => setTimeout(r, 250));
      view = (
        await graphql<{ billingSubscription: SubscriptionView }>(survivor.url, SUBSCRIPTION, {}, headers)
      ).data?.billingSubscription;
    } while (Date.parse(view?.billingCycleStart ?? '') !== cycleEnd.getTime() && Date.now() < until);
    expect(view).toMatchObject({ plan: 'pro', status: 'active' });
    expect(Date.parse(view!.billingCycleStart)).toBe(cycleEnd.getTime());

    // closed once: one SubscriptionCycleStarted, and the workflow sleeps on the next cycle's end
    const nextTimer = Date.now() + 15_000;
    while ((await timersStarted()) < 2 && Date.now() < nextTimer)
      await new Promise((r) => setTimeout(r, 100));
    expect(await timersStarted()).toBe(2);
    const { events } = await survivor.eventStore.readStream(`subscription-${userId}`);
    const cycles = events.filter((e) => e.type === 'SubscriptionCycleStarted');
    expect(cycles).toHaveLength(1);
    expect(cycles[0]!.data).toMatchObject({
      plan: 'pro',
      cycleStart: cycleEnd.toISOString(),
      cycleEnd: addMonths(cycleEnd, 1).toISOString(),
    });
  }, 180_000);
});
