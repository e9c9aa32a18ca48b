import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { postsUsed } from '../posts/queries.js';
import { subscriptionDecider } from './decide.js';
import { planOf, type PlanTier } from './plans.js';
import {
  cycleOf,
  subscriptionStream,
  type SubscriptionEvent,
  type SubscriptionState,
} from './subscription.js';

type Reader = Pick<ApplicationContext, 'store' | 'dataSource'>;

/**
 * A user's subscription as its stream says (not the read table): the generation quota decides
 * on it inside its own transaction, so a plan change and a reservation never disagree.
 */
export async function subscriptionStateOf(
  app: Reader,
  userId: string,
  manager?: EntityManager,
): Promise<SubscriptionState> {
  const { events } = await app.store.readStream<SubscriptionEvent>(subscriptionStream(userId), { manager });
  return events.reduce(subscriptionDecider.evolve, subscriptionDecider.initialState());
}

/** The plan a user is on now and the billing cycle their posts count in. */
export async function billingOf(app: Reader, userId: string, now: Date, manager?: EntityManager) {
  const state = await subscriptionStateOf(app, userId, manager);
  return { state, tier: state.plan, plan: planOf(state.plan), cycle: cycleOf(state, now) };
}

/** Posts reserved in a quota period (the generation quota's read model). */
export const postsUsedIn = postsUsed;

export interface SubscriptionView {
  userId: string;
  plan: PlanTier;
  /** active (free included), cancelled, past_due */
  status: 'active' | 'cancelled' | 'past_due';
  billingCycleStart: string;
  /** the cycle's last second (the spec writes `2025-10-31T23:59:59Z`) */
  billingCycleEnd: string;
  quota: { postsLimit: number | null; postsUsed: number; bulkLimit: number; concurrentLimit: number };
  paystackSubscriptionId: string | null;
  /** when the next charge is due: null on free, cancelled and past_due */
  nextBillingDate: string | null;
  /** a scheduled downgrade, applied at the cycle's end */
  pendingPlan: PlanTier | null;
  /** cancelled: the instant access ends */
  endDate: string | null;
}

const lastSecondBefore = (end: Date) => new Date(end.getTime() - 1000).toISOString().replace('.000Z', 'Z');
const iso = (at: Date) => at.toISOString().replace('.000Z', 'Z');

export async function subscriptionViewOf(app: Reader, userId: string, now: Date): Promise<SubscriptionView> {
  const { state, tier, plan, cycle } = await billingOf(app, userId, now);
  const used = await postsUsedIn(app, userId, cycle.period);
  return {
    userId,
    plan: tier,
    status: state.status === 'free' ? 'active' : state.status,
    billingCycleStart: iso(cycle.start),
    billingCycleEnd: lastSecondBefore(cycle.end),
    quota: {
      postsLimit: plan.postsPerMonth,
      postsUsed: used,
      bulkLimit: plan.bulkLimit,
      concurrentLimit: plan.concurrentGenerations,
    },
    paystackSubscriptionId: state.status === 'free' ? null : state.subscriptionCode,
    nextBillingDate: state.status === 'active' ? iso(cycle.end) : null,
    pendingPlan: state.pendingPlan,
    endDate: endDateOf(state),
  };
}

export function endDateOf(state: SubscriptionState): string | null {
  if (state.status === 'cancelled' && state.cycleEnd) return lastSecondBefore(new Date(state.cycleEnd));
  if (state.status === 'past_due' && state.graceEndsAt) return lastSecondBefore(new Date(state.graceEndsAt));
  return null;
}

export interface SubscriptionChangeView {
  id: string;
  subscriptionId: string;
  change: string;
  plan: string;
  status: string;
  occurredAt: string;
  detail: Record<string, unknown>;
}

export async function subscriptionHistoryOf(app: Reader, userId: string): Promise<SubscriptionChangeView[]> {
  const rows: {
    event_id: string;
    subscription_id: string;
    change: string;
    plan: string;
    status: string;
    occurred_at: Date;
    detail: Record<string, unknown>;
  }[] = await app.dataSource.manager.query(
    `select event_id, subscription_id, change, plan, status, occurred_at, detail from subscription_history
     where user_id = $1 order by position`,
    [userId],
  );
  return rows.map((r) => ({
    id: r.event_id,
    subscriptionId: r.subscription_id,
    change: r.change,
    plan: r.plan,
    status: r.status,
    occurredAt: new Date(r.occurred_at).toISOString(),
    detail: r.detail,
  }));
}

// ---- who a Paystack event is about ----------------------------------------------------------------

export async function userOfReference(app: Reader, reference: string): Promise<string | null> {
  const rows: { user_id: string }[] = await app.dataSource.manager.query(
    `select user_id from subscription_checkouts where reference = $1`,
    [reference],
  );
  return rows[0]?.user_id ?? null;
}

export async function userOfSubscriptionCode(app: Reader, code: string): Promise<string | null> {
  const rows: { user_id: string }[] = await app.dataSource.manager.query(
    `select user_id from subscriptions where paystack_subscription_code = $1`,
    [code],
  );
  return rows[0]?.user_id ?? null;
}

/** A Paystack customer: by its code once a charge named it, else by the email identity gave us. */
export async function userOfCustomer(
  app: Reader,
  customer: { customer_code?: string | null; email?: string | null } | null | undefined,
): Promise<string | null> {
  if (customer?.customer_code) {
    const rows: { user_id: string }[] = await app.dataSource.manager.query(
      `select user_id from subscriptions where customer_code = $1`,
      [customer.customer_code],
    );
    if (rows[0]) return rows[0].user_id;
  }
  if (customer?.email) {
    const rows: { user_id: string }[] = await app.dataSource.manager.query(
      `select user_id from billing_customers where lower(email) = lower($1) order by updated_at desc limit 1`,
      [customer.email],
    );
    if (rows[0]) return rows[0].user_id;
  }
  return null;
}

export async function emailOf(app: Reader, userId: string): Promise<string | null> {
  const rows: { email: string }[] = await app.dataSource.manager.query(
    `select email from billing_customers where user_id = $1`,
    [userId],
  );
  return rows[0]?.email ?? null;
}
