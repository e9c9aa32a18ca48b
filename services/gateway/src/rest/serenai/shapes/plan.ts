import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI plans (commerce): the catalog's Plan, an organization's plan with its details
// (OrganizationPlanWithDetails) and its quota usage (QuotaUsage). Periods are calendar months (UTC).

export const SerenaiPlanFields = graphql(`
  fragment SerenaiPlanFields on SerenaiPlan {
    id
    name
    description
    monthlyPriceCents
    currency
    includedRequests
    features
  }
`);

export const planSchema = z.object({
  id: z.string().describe('free, launch or scale'),
  name: z.string(),
  description: z.string(),
  price_cents: z.number().int().describe('USD cents per month'),
  currency: z.literal('usd'),
  interval: z.literal('month'),
  included_requests: z.number().int().describe('paid calls included per month'),
  features: z.array(z.string()),
});

export function planToRest(ref: FragmentOf<typeof SerenaiPlanFields>): z.input<typeof planSchema> {
  const p = readFragment(SerenaiPlanFields, ref);
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    price_cents: p.monthlyPriceCents,
    currency: 'usd',
    interval: 'month',
    included_requests: p.includedRequests,
    features: p.features,
  };
}

export const OrganizationPlanFields = graphql(
  `
    fragment OrganizationPlanFields on OrganizationPlan {
      organizationId
      status
      currentPeriodStart
      currentPeriodEnd
      pendingChangeAt
      stripePaymentMethodId
      lastProrationCents
      changedAt
      plan {
        id
        ...SerenaiPlanFields
      }
      pendingPlan {
        id
      }
    }
  `,
  [SerenaiPlanFields],
);

export const organizationPlanSchema = z.object({
  plan: planSchema,
  organization_plan: z.object({
    organization_id: z.string(),
    plan_id: z.string(),
    status: z.literal('active'),
    current_period_start: z.string(),
    current_period_end: z.string(),
    pending_plan_id: z
      .string()
      .nullable()
      .describe('the plan a scheduled downgrade moves to at the period end'),
    pending_change_at: z.string().nullable(),
    stripe_payment_method_id: z.string().nullable(),
    proration_cents: z
      .number()
      .int()
      .nullable()
      .describe('what the last upgrade charged for the rest of its period'),
    changed_at: z.string().nullable(),
  }),
});

export function organizationPlanToRest(
  ref: FragmentOf<typeof OrganizationPlanFields>,
): z.input<typeof organizationPlanSchema> {
  const o = readFragment(OrganizationPlanFields, ref);
  return {
    plan: planToRest(o.plan),
    organization_plan: {
      organization_id: o.organizationId,
      plan_id: o.plan.id,
      status: 'active',
      current_period_start: o.currentPeriodStart,
      current_period_end: o.currentPeriodEnd,
      pending_plan_id: o.pendingPlan?.id ?? null,
      pending_change_at: o.pendingChangeAt ?? null,
      stripe_payment_method_id: o.stripePaymentMethodId ?? null,
      proration_cents: o.lastProrationCents ?? null,
      changed_at: o.changedAt ?? null,
    },
  };
}

export const OrganizationQuotaFields = graphql(`
  fragment OrganizationQuotaFields on OrganizationQuota {
    organizationId
    periodStart
    periodEnd
    requestsUsed
    requestsLimit
    requestsRemaining
    percentUsed
    plan {
      id
    }
    spend {
      asset
      amount
    }
  }
`);

export const quotaUsageSchema = z.object({
  organization_id: z.string(),
  plan_id: z.string(),
  period_start: z.string(),
  period_end: z.string(),
  requests_used: z.number().int(),
  requests_limit: z.number().int(),
  requests_remaining: z.number().int(),
  percent_used: z.number(),
  spend: z.array(
    z.object({ asset: z.string(), amount: z.string().describe('decimal string, e.g. "10.50"') }),
  ),
});

export function quotaUsageToRest(
  ref: FragmentOf<typeof OrganizationQuotaFields>,
): z.input<typeof quotaUsageSchema> {
  const q = readFragment(OrganizationQuotaFields, ref);
  return {
    organization_id: q.organizationId,
    plan_id: q.plan.id,
    period_start: q.periodStart,
    period_end: q.periodEnd,
    requests_used: q.requestsUsed,
    requests_limit: q.requestsLimit,
    requests_remaining: q.requestsRemaining,
    percent_used: q.percentUsed,
    spend: q.spend.map((s) => ({ asset: s.asset, amount: s.amount })),
  };
}
