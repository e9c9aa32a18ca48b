import {
  PaystackSubscriptionLinked,
  SubscriptionActivated,
  SubscriptionCancelled,
  SubscriptionCheckoutStarted,
  SubscriptionCycleStarted,
  SubscriptionDowngradeScheduled,
  SubscriptionDowngradeCancelled,
  SubscriptionEnded,
  SubscriptionPaymentFailed,
  SubscriptionPaymentRecovered,
  type EventOf,
} from '@seren/contracts';
import type { PlanTier } from './plans.js';

export type SubscriptionEvent = EventOf<
  [
    typeof SubscriptionCheckoutStarted,
    typeof SubscriptionActivated,
    typeof PaystackSubscriptionLinked,
    typeof SubscriptionDowngradeScheduled,
    typeof SubscriptionDowngradeCancelled,
    typeof SubscriptionCycleStarted,
    typeof SubscriptionCancelled,
    typeof SubscriptionPaymentFailed,
    typeof SubscriptionPaymentRecovered,
    typeof SubscriptionEnded,
  ]
>;

export type PaidTier = Exclude<PlanTier, 'free'>;

/** One stream per user: a user has at most one subscription at a time. */
export const subscriptionStream = (userId: string) => `subscription-${userId}`;

/**
 * `free`: no paid plan (never had one, or it ended); `active`: paid and renewing; `cancelled`: paid
 * until `cycleEnd`, then free; `past_due`: a renewal charge failed, paid until `graceEndsAt`.
 */
export type SubscriptionStatus = 'free' | 'active' | 'cancelled' | 'past_due';

export interface SubscriptionState {
  userId: string | null;
  status: SubscriptionStatus;
  plan: PlanTier;
  subscriptionId: string | null;
  /** the paid cycle, [cycleStart, cycleEnd) */
  cycleStart: string | null;
  cycleEnd: string | null;
  /** after a paid subscription ended: the free plan's monthly cycles start here */
  freeSince: string | null;
  pendingPlan: PaidTier | null;
  subscriptionCode: string | null;
  /** the plan that Paystack subscription charges (after a downgrade, until the lower plan's is made) */
  subscriptionCodePlan: PaidTier | null;
  customerCode: string | null;
  graceEndsAt: string | null;
  cancelledAt: string | null;
  /** checkouts started and not yet paid, by Paystack reference */
  checkouts: Record<string, { subscriptionId: string; plan: PaidTier; amountCents: number }>;
  /** references whose charge was applied (a charge applies once) */
  charged: string[];
  /** Paystack subscription codes reported before their checkout's charge, by our subscription id */
  earlyCodes: Record<string, string>;
}

export const initialSubscriptionState = (): SubscriptionState => ({
  userId: null,
  status: 'free',
  plan: 'free',
  subscriptionId: null,
  cycleStart: null,
  cycleEnd: null,
  freeSince: null,
  pendingPlan: null,
  subscriptionCode: null,
  subscriptionCodePlan: null,
  customerCode: null,
  graceEndsAt: null,
  cancelledAt: null,
  checkouts: {},
  charged: [],
  earlyCodes: {},
});

export function evolveSubscription(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState {
  const base = { ...state, userId: event.data.userId };
  switch (event.type) {
    case 'SubscriptionCheckoutStarted': {
      const { reference, subscriptionId, plan, amountCents } = event.data;
      return {
        ...base,
        checkouts: { ...state.checkouts, [reference]: { subscriptionId, plan, amountCents } },
      };
    }
    case 'SubscriptionActivated': {
      const d = event.data;
      const checkouts = { ...state.checkouts };
      delete checkouts[d.reference];
      return {
        ...base,
        status: 'active',
        plan: d.plan,
        subscriptionId: d.subscriptionId,
        cycleStart: d.cycleStart,
        cycleEnd: d.cycleEnd,
        pendingPlan: null,
        // the checkout's plan has a Paystack subscription of its own (subscription.create links it,
        // before or after this charge)
        subscriptionCode: d.subscriptionCode,
        subscriptionCodePlan: d.subscriptionCode ? d.plan : null,
        customerCode: d.customerCode ?? state.customerCode,
        graceEndsAt: null,
        cancelledAt: null,
        checkouts,
        charged: [...state.charged, d.reference],
      };
    }
    case 'PaystackSubscriptionLinked':
      if (event.data.subscriptionId === state.subscriptionId)
        return {
          ...base,
          subscriptionCode: event.data.subscriptionCode,
          subscriptionCodePlan: event.data.plan,
        };
      return {
        ...base,
        earlyCodes: { ...state.earlyCodes, [event.data.subscriptionId]: event.data.subscriptionCode },
      };
    case 'SubscriptionDowngradeScheduled':
      return { ...base, pendingPlan: event.data.toPlan };
    case 'SubscriptionDowngradeCancelled':
      return { ...base, pendingPlan: null };
    case 'SubscriptionCycleStarted':
      return {
        ...base,
        plan: event.data.plan,
        cycleStart: event.data.cycleStart,
        cycleEnd: event.data.cycleEnd,
        pendingPlan: null,
      };
    case 'SubscriptionCancelled':
      // the paid period ends at `endDate`: the cycle's end, or a past_due grace's end (sooner)
      return {
        ...base,
        status: 'cancelled',
        cycleEnd: event.data.endDate,
        pendingPlan: null,
        cancelledAt: event.data.cancelledAt,
      };
    case 'SubscriptionPaymentFailed':
      return { ...base, status: 'past_due', graceEndsAt: event.data.graceEndsAt };
    case 'SubscriptionPaymentRecovered':
      return {
        ...base,
        status: 'active',
        graceEndsAt: null,
        charged: [...state.charged, event.data.reference],
      };
    case 'SubscriptionEnded':
      return {
        ...base,
        status: 'free',
        plan: 'free',
        cycleStart: null,
        cycleEnd: null,
        freeSince: event.data.endedAt,
        pendingPlan: null,
        // the last Paystack subscription stays known: it must not renew (reconcilePaystack)
        graceEndsAt: null,
        cancelledAt: null,
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

// ---- billing cycles ------------------------------------------------------------------------------

/** `at` plus `months` calendar months (UTC), the day clamped to the month's last (Jan 31 + 1 = Feb 28). */
export function addMonths(at: Date, months: number): Date {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(at.getUTCDate(), lastDay),
      at.getUTCHours(),
      at.getUTCMinutes(),
      at.getUTCSeconds(),
      at.getUTCMilliseconds(),
    ),
  );
}

export interface BillingCycle {
  /** the quota period the cycle's generations count in (`YYYY-MM`, or the cycle's start instant) */
  period: string;
  start: Date;
  /** exclusive: the next cycle's start, when the posts used start again from 0 */
  end: Date;
}

/**
 * The billing cycle a user is in at `now`. A paid plan (active, cancelled or past_due): its cycle,
 * as its timer last moved it. A free user who never paid: the calendar month (UTC). A free user
 * whose subscription ended: monthly cycles from that end (the first one if `now` is before it, as
 * in a time-skipped test). Pure.
 */
export function cycleOf(state: SubscriptionState, now: Date): BillingCycle {
  if (state.status !== 'free' && state.cycleStart && state.cycleEnd)
    return { period: state.cycleStart, start: new Date(state.cycleStart), end: new Date(state.cycleEnd) };
  if (state.freeSince) {
    const anchor = new Date(state.freeSince);
    let k = 0;
    while (addMonths(anchor, k + 1) <= now) k++;
    const start = addMonths(anchor, k);
    return { period: start.toISOString(), start, end: addMonths(anchor, k + 1) };
  }
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  return {
    period: now.toISOString().slice(0, 7),
    start,
    end: new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)),
  };
}

/** What the subscription's durable timer waits for next: the cycle's end, or a past_due grace's end. */
export type SubscriptionTimer = { kind: 'cycle_end' | 'grace_end'; at: string } | null;

export function timerOf(state: SubscriptionState): SubscriptionTimer {
  if (state.status === 'past_due' && state.graceEndsAt) return { kind: 'grace_end', at: state.graceEndsAt };
  if ((state.status === 'active' || state.status === 'cancelled') && state.cycleEnd)
    return { kind: 'cycle_end', at: state.cycleEnd };
  return null;
}
