import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's subscription (Billing): GET /billing/subscription's body. The GraphQL type is
// content's `BillingSubscription`; dates are ISO 8601 as the spec writes them.

export const SubscriptionFields = graphql(`
  fragment SereloSubscription on BillingSubscription {
    userId
    plan
    status
    billingCycleStart
    billingCycleEnd
    quota {
      postsLimit
      postsUsed
      bulkLimit
      concurrentLimit
    }
    paystackSubscriptionId
    nextBillingDate
    pendingPlan
    endDate
  }
`);

export const subscriptionSchema = z.object({
  user_id: z.string(),
  plan: z.string().describe('free, starter, pro, business or enterprise'),
  status: z
    .string()
    .describe('active (also on free), cancelled (paid until end_date) or past_due (paid until end_date)'),
  billing_cycle_start: z.string(),
  billing_cycle_end: z.string().describe("the cycle's last second"),
  quota: z.object({
    posts_limit: z.number().int().nullable().describe('null: unlimited (enterprise)'),
    posts_used: z.number().int(),
    bulk_limit: z.number().int(),
    concurrent_limit: z.number().int(),
  }),
  paystack_subscription_id: z.string().nullable(),
  next_billing_date: z.string().nullable().describe('null on free, cancelled and past_due'),
  pending_plan: z.string().nullable().describe('a downgrade that applies when this cycle ends'),
  end_date: z.string().nullable().describe('cancelled or past_due: when the paid plan ends'),
});

export function subscriptionToRest(
  ref: FragmentOf<typeof SubscriptionFields>,
): z.input<typeof subscriptionSchema> {
  const s = readFragment(SubscriptionFields, ref);
  return {
    user_id: s.userId,
    plan: s.plan,
    status: s.status,
    billing_cycle_start: s.billingCycleStart,
    billing_cycle_end: s.billingCycleEnd,
    quota: {
      posts_limit: s.quota.postsLimit,
      posts_used: s.quota.postsUsed,
      bulk_limit: s.quota.bulkLimit,
      concurrent_limit: s.quota.concurrentLimit,
    },
    paystack_subscription_id: s.paystackSubscriptionId,
    next_billing_date: s.nextBillingDate,
    pending_plan: s.pendingPlan,
    end_date: s.endDate,
  };
}
