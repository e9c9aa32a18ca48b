import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo billing: a user's subscription, one stream per user (`subscription-<userId>`, aggregate
// `subscription`). Every state change of a subscription is one of these events; the read models
// (`subscriptions`, `subscription_history`) and the generation quota's billing cycle are their
// projections. Amounts are integers in ZAR cents (Paystack's "kobo-style" minor units).

const id = z.string().min(1);
const at = z.iso.datetime();

export const planTiers = ['free', 'starter', 'pro', 'business', 'enterprise'] as const;
export type PlanTierName = (typeof planTiers)[number];
export const paidPlanTiers = ['starter', 'pro', 'business', 'enterprise'] as const;
const tier = z.enum(planTiers);
const paidTier = z.enum(paidPlanTiers);

export const SubscriptionCheckoutStarted = defineEvent({
  type: 'SubscriptionCheckoutStarted',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    'A user asked for a paid plan: a Paystack transaction was initialized (its `reference` and checkout URL); the plan starts when Paystack reports the charge.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    reference: id,
    paymentMethod: z.string(),
    amountCents: z.number().int().min(0),
    currency: z.literal('ZAR'),
    authorizationUrl: z.string(),
    startedAt: at,
  }),
});

export const SubscriptionActivated = defineEvent({
  type: 'SubscriptionActivated',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    "A checkout's charge succeeded (verified with Paystack): the plan applies at once. From free it starts a billing cycle; an upgrade keeps the current cycle (and its posts used) with the higher limit.",
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    previousPlan: tier,
    reference: id,
    customerCode: z.string().nullable(),
    /** the plan's Paystack subscription, when Paystack reported it before the charge */
    subscriptionCode: z.string().nullable(),
    amountCents: z.number().int().min(0),
    cycleStart: at,
    cycleEnd: at,
    activatedAt: at,
  }),
});

export const PaystackSubscriptionLinked = defineEvent({
  type: 'PaystackSubscriptionLinked',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    "Paystack created the plan's recurring subscription (`subscription.create`): its code is known. It may come before the checkout's charge, for the subscription that charge starts.",
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    subscriptionCode: id,
    nextPaymentDate: at.nullable(),
    linkedAt: at,
  }),
});

export const SubscriptionDowngradeScheduled = defineEvent({
  type: 'SubscriptionDowngradeScheduled',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description: 'A lower paid plan was chosen: it applies when the current billing cycle ends.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    fromPlan: paidTier,
    toPlan: paidTier,
    effectiveAt: at,
    scheduledAt: at,
  }),
});

export const SubscriptionDowngradeCancelled = defineEvent({
  type: 'SubscriptionDowngradeCancelled',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    'The user asked for their current plan again while a downgrade was scheduled: the downgrade is taken back and the current plan renews at the cycle end.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    cancelledPlan: paidTier,
    cancelledAt: at,
  }),
});

export const SubscriptionCycleStarted = defineEvent({
  type: 'SubscriptionCycleStarted',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    "A paid subscription's billing cycle ended and the next began (its timer): the posts used start again from 0; a scheduled downgrade applies here.",
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    previousPlan: paidTier,
    cycleStart: at,
    cycleEnd: at,
  }),
});

export const SubscriptionCancelled = defineEvent({
  type: 'SubscriptionCancelled',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    'The subscription will not renew (the user cancelled, or Paystack disabled it): access stays until `endDate`, the end of the cycle; no refund.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    endDate: at,
    by: z.enum(['user', 'paystack']),
    cancelledAt: at,
  }),
});

export const SubscriptionPaymentFailed = defineEvent({
  type: 'SubscriptionPaymentFailed',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    'A renewal charge failed (`invoice.payment_failed`): the subscription is past_due; unless a charge succeeds before `graceEndsAt`, it ends and the user drops to free.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    graceEndsAt: at,
    failedAt: at,
  }),
});

export const SubscriptionPaymentRecovered = defineEvent({
  type: 'SubscriptionPaymentRecovered',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description: 'A past_due subscription was charged within its grace period: it is active again.',
  schema: z.object({ userId: id, subscriptionId: id, plan: paidTier, reference: id, recoveredAt: at }),
});

export const SubscriptionEnded = defineEvent({
  type: 'SubscriptionEnded',
  version: 1,
  domain: 'content',
  aggregate: 'subscription',
  description:
    'The paid subscription is over (cancelled and its end date reached, or its grace period ran out): the user is on the free plan, whose cycles start at `endedAt`.',
  schema: z.object({
    userId: id,
    subscriptionId: id,
    plan: paidTier,
    reason: z.enum(['cancelled', 'payment_failed']),
    endedAt: at,
  }),
});

export const billingEvents = [
  SubscriptionCheckoutStarted,
  SubscriptionActivated,
  PaystackSubscriptionLinked,
  SubscriptionDowngradeScheduled,
  SubscriptionDowngradeCancelled,
  SubscriptionCycleStarted,
  SubscriptionCancelled,
  SubscriptionPaymentFailed,
  SubscriptionPaymentRecovered,
  SubscriptionEnded,
] as const;
