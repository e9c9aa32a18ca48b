import { domainErrorsOf } from '@seren/service-kit/errors';
import { rankOf } from './plans.js';
import {
  addMonths,
  evolveSubscription,
  initialSubscriptionState,
  type PaidTier,
  type SubscriptionEvent,
  type SubscriptionState,
} from './subscription.js';

// Reasons are Serelo error codes (the gateway answers them as `detail.code`); the spec names none
// for billing, so these are this service's, documented in the README.
export type BillingReason =
  | 'ALREADY_SUBSCRIBED'
  | 'NO_ACTIVE_SUBSCRIPTION'
  | 'CUSTOMER_NOT_READY'
  | 'FEATURE_NOT_AVAILABLE'
  | 'INVALID_SIGNATURE'
  | 'PAYMENT_NOT_VERIFIED';
export const billingErrors = domainErrorsOf<BillingReason>();
const errors = billingErrors;

/** How long a past_due subscription keeps its plan after a failed renewal charge. */
export const GRACE_DAYS = 7;

export type SubscriptionCommand =
  | {
      type: 'StartCheckout';
      userId: string;
      subscriptionId: string;
      plan: PaidTier;
      reference: string;
      paymentMethod: string;
      amountCents: number;
      authorizationUrl: string;
      now: string;
    }
  | {
      type: 'ActivateSubscription';
      userId: string;
      reference: string;
      customerCode: string | null;
      amountCents: number;
      paidAt: string;
    }
  | {
      type: 'LinkPaystackSubscription';
      userId: string;
      subscriptionCode: string;
      /** the tier of the Paystack plan it is on, when known (its name, `Serelo <tier>`) */
      plan: PaidTier | null;
      nextPaymentDate: string | null;
      now: string;
    }
  | { type: 'ScheduleDowngrade'; userId: string; plan: PaidTier; now: string }
  /** the plan held, asked for again while a downgrade is scheduled */
  | { type: 'CancelDowngrade'; userId: string; plan: PaidTier; now: string }
  | { type: 'CancelSubscription'; userId: string; by: 'user' | 'paystack'; now: string }
  | { type: 'RecordPaymentFailed'; userId: string; subscriptionCode: string | null; now: string }
  | { type: 'RecordRenewalCharge'; userId: string; reference: string; now: string }
  /** the durable timer fired: `at` is the cycle end or grace end it slept until */
  | { type: 'ClosePeriod'; userId: string; kind: 'cycle_end' | 'grace_end'; at: string };

const paid = (state: SubscriptionState) => state.status !== 'free';

/**
 * Checks a new plan against the current one before Paystack is asked (the decider checks again).
 * `withdraw`: the plan held, asked for again while a downgrade is scheduled: the downgrade is taken back.
 */
export function checkPlanChange(
  state: SubscriptionState,
  plan: PaidTier,
): 'new' | 'upgrade' | 'downgrade' | 'withdraw' {
  if (!paid(state)) return 'new';
  if (state.plan === plan && state.pendingPlan !== null && state.status !== 'cancelled') return 'withdraw';
  if (state.plan === plan && state.status !== 'cancelled')
    throw errors.conflict(`already subscribed to the ${plan} plan`, { reason: 'ALREADY_SUBSCRIBED' });
  if (state.status === 'cancelled' && rankOf(plan) <= rankOf(state.plan))
    // a cancelled plan runs out at its end date; a lower or equal plan then starts as a new checkout
    throw errors.conflict(
      `the cancelled ${state.plan} plan runs until ${state.cycleEnd}; subscribe again after it ended`,
      { reason: 'ALREADY_SUBSCRIBED' },
    );
  return rankOf(plan) > rankOf(state.plan) ? 'upgrade' : 'downgrade';
}

export function decideSubscription(
  command: SubscriptionCommand,
  state: SubscriptionState,
): SubscriptionEvent[] {
  switch (command.type) {
    case 'StartCheckout': {
      if (state.checkouts[command.reference]) return [];
      const change = checkPlanChange(state, command.plan);
      if (change === 'downgrade' || change === 'withdraw')
        throw errors.conflict(`the ${command.plan} plan needs no payment now`, {
          reason: 'ALREADY_SUBSCRIBED',
        });
      const { userId, subscriptionId, plan, reference, paymentMethod, amountCents, authorizationUrl, now } =
        command;
      return [
        {
          type: 'SubscriptionCheckoutStarted',
          data: {
            userId,
            subscriptionId,
            plan,
            reference,
            paymentMethod,
            amountCents,
            currency: 'ZAR',
            authorizationUrl,
            startedAt: now,
          },
        },
      ];
    }
    case 'ActivateSubscription': {
      if (state.charged.includes(command.reference)) return [];
      const checkout = state.checkouts[command.reference];
      if (!checkout) throw errors.notFound('checkout');
      if (command.amountCents < checkout.amountCents)
        throw errors.validationError(
          `the charge (${command.amountCents}) is below the ${checkout.plan} plan's price (${checkout.amountCents})`,
          { reason: 'PAYMENT_NOT_VERIFIED' },
        );
      // An upgrade of a paid plan keeps the cycle and its posts used (a higher limit at once); from
      // free (or a cancelled plan) a new cycle starts at the payment.
      const keepCycle =
        (state.status === 'active' || state.status === 'past_due') && state.cycleStart && state.cycleEnd;
      const cycleStart = keepCycle ? state.cycleStart! : command.paidAt;
      const cycleEnd = keepCycle ? state.cycleEnd! : addMonths(new Date(command.paidAt), 1).toISOString();
      return [
        {
          type: 'SubscriptionActivated',
          data: {
            userId: command.userId,
            subscriptionId: checkout.subscriptionId,
            plan: checkout.plan,
            previousPlan: state.plan,
            reference: command.reference,
            customerCode: command.customerCode,
            subscriptionCode: state.earlyCodes[checkout.subscriptionId] ?? null,
            amountCents: command.amountCents,
            cycleStart,
            cycleEnd,
            activatedAt: command.paidAt,
          },
        },
      ];
    }
    case 'LinkPaystackSubscription': {
      // The subscription Paystack created is the current plan's, or an open checkout's whose charge
      // is still to come (Paystack does not order its events); told apart by its plan.
      const current =
        paid(state) &&
        state.subscriptionId !== null &&
        (command.plan === null || command.plan === state.plan);
      const checkout = Object.values(state.checkouts).find(
        (c) => command.plan === null || c.plan === command.plan,
      );
      const target = current
        ? { subscriptionId: state.subscriptionId!, plan: state.plan as PaidTier }
        : checkout && { subscriptionId: checkout.subscriptionId, plan: checkout.plan };
      if (!target) return [];
      const known =
        target.subscriptionId === state.subscriptionId
          ? state.subscriptionCode
          : state.earlyCodes[target.subscriptionId];
      if (known === command.subscriptionCode) return [];
      return [
        {
          type: 'PaystackSubscriptionLinked',
          data: {
            userId: command.userId,
            subscriptionId: target.subscriptionId,
            plan: target.plan,
            subscriptionCode: command.subscriptionCode,
            nextPaymentDate: command.nextPaymentDate,
            linkedAt: command.now,
          },
        },
      ];
    }
    case 'ScheduleDowngrade': {
      if (state.pendingPlan === command.plan) return [];
      if (checkPlanChange(state, command.plan) !== 'downgrade')
        throw errors.conflict(`the ${command.plan} plan is not a downgrade of ${state.plan}`, {
          reason: 'ALREADY_SUBSCRIBED',
        });
      return [
        {
          type: 'SubscriptionDowngradeScheduled',
          data: {
            userId: command.userId,
            subscriptionId: state.subscriptionId!,
            fromPlan: state.plan as PaidTier,
            toPlan: command.plan,
            effectiveAt: state.cycleEnd!,
            scheduledAt: command.now,
          },
        },
      ];
    }
    case 'CancelDowngrade': {
      if (state.pendingPlan === null && state.plan === command.plan) return []; // already withdrawn
      if (checkPlanChange(state, command.plan) !== 'withdraw')
        throw errors.conflict(`the ${command.plan} plan is not the plan held`, {
          reason: 'ALREADY_SUBSCRIBED',
        });
      return [
        {
          type: 'SubscriptionDowngradeCancelled',
          data: {
            userId: command.userId,
            subscriptionId: state.subscriptionId!,
            plan: command.plan,
            cancelledPlan: state.pendingPlan!,
            cancelledAt: command.now,
          },
        },
      ];
    }
    case 'CancelSubscription': {
      if (state.status === 'cancelled') return [];
      if (!paid(state))
        throw errors.conflict('there is no paid subscription to cancel (the free plan needs none)', {
          reason: 'NO_ACTIVE_SUBSCRIPTION',
        });
      return [
        {
          type: 'SubscriptionCancelled',
          data: {
            userId: command.userId,
            subscriptionId: state.subscriptionId!,
            plan: state.plan as PaidTier,
            // past_due keeps access until its grace ends (sooner than the cycle's end)
            endDate: state.status === 'past_due' && state.graceEndsAt ? state.graceEndsAt : state.cycleEnd!,
            by: command.by,
            cancelledAt: command.now,
          },
        },
      ];
    }
    case 'RecordPaymentFailed': {
      if (state.status !== 'active') return [];
      if (
        command.subscriptionCode &&
        state.subscriptionCode &&
        command.subscriptionCode !== state.subscriptionCode
      )
        return []; // an invoice of a subscription this user no longer has
      return [
        {
          type: 'SubscriptionPaymentFailed',
          data: {
            userId: command.userId,
            subscriptionId: state.subscriptionId!,
            plan: state.plan as PaidTier,
            graceEndsAt: new Date(Date.parse(command.now) + GRACE_DAYS * 86_400_000).toISOString(),
            failedAt: command.now,
          },
        },
      ];
    }
    case 'RecordRenewalCharge': {
      if (state.status !== 'past_due' || state.charged.includes(command.reference)) return [];
      return [
        {
          type: 'SubscriptionPaymentRecovered',
          data: {
            userId: command.userId,
            subscriptionId: state.subscriptionId!,
            plan: state.plan as PaidTier,
            reference: command.reference,
            recoveredAt: command.now,
          },
        },
      ];
    }
    case 'ClosePeriod': {
      const { userId, kind, at } = command;
      if (kind === 'grace_end') {
        if (state.status !== 'past_due' || state.graceEndsAt !== at) return []; // paid meanwhile, or a stale timer
        return [
          {
            type: 'SubscriptionEnded',
            data: {
              userId,
              subscriptionId: state.subscriptionId!,
              plan: state.plan as PaidTier,
              reason: 'payment_failed',
              endedAt: at,
            },
          },
        ];
      }
      if (!paid(state) || state.cycleEnd !== at) return []; // already closed: the timer ran twice
      if (state.status === 'cancelled')
        return [
          {
            type: 'SubscriptionEnded',
            data: {
              userId,
              subscriptionId: state.subscriptionId!,
              plan: state.plan as PaidTier,
              reason: 'cancelled',
              endedAt: at,
            },
          },
        ];
      const plan = state.pendingPlan ?? (state.plan as PaidTier);
      return [
        {
          type: 'SubscriptionCycleStarted',
          data: {
            userId,
            subscriptionId: state.subscriptionId!,
            plan,
            previousPlan: state.plan as PaidTier,
            cycleStart: at,
            cycleEnd: addMonths(new Date(at), 1).toISOString(),
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const subscriptionDecider = {
  streamType: 'subscription',
  initialState: initialSubscriptionState,
  evolve: evolveSubscription,
  decide: decideSubscription,
};
