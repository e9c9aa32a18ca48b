// SerenAI's subscription tiers ("Plan represents a subscription tier (Free, Launch, Scale)"). A
// catalog in code: a plan is a product decision shipped with the code that enforces it, not data
// an API edits. Prices in USD cents per calendar month; quotas per month.

export interface Plan {
  id: 'free' | 'launch' | 'scale';
  name: string;
  description: string;
  monthlyPriceCents: number;
  currency: 'usd';
  /** paid calls (charges) included per month */
  includedRequests: number;
  features: readonly string[];
}

export const plans: readonly Plan[] = [
  {
    id: 'free',
    name: 'Free',
    description: 'Pay per call from the prepaid wallet; for trying SerenAI out.',
    monthlyPriceCents: 0,
    currency: 'usd',
    includedRequests: 1_000,
    features: ['Pay-per-call publishers', 'Prepaid wallet', 'Community support'],
  },
  {
    id: 'launch',
    name: 'Launch',
    description: 'For agents in production.',
    monthlyPriceCents: 4_900,
    currency: 'usd',
    includedRequests: 100_000,
    features: ['Everything in Free', 'Organization webhooks', 'Email support'],
  },
  {
    id: 'scale',
    name: 'Scale',
    description: 'For teams running agents at volume.',
    monthlyPriceCents: 19_900,
    currency: 'usd',
    includedRequests: 1_000_000,
    features: ['Everything in Launch', 'VPC endpoints', 'Priority support'],
  },
];

/** The plan every organization is on until it changes plans. */
export const DEFAULT_PLAN_ID: Plan['id'] = 'free';

export function planOf(id: string): Plan | undefined {
  return plans.find((plan) => plan.id === id);
}

/** A billing period is a calendar month (UTC): the one `at` falls in. */
export function periodOf(at: Date): { start: Date; end: Date } {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1));
  return { start, end };
}

/**
 * What moving from `from` to `to` at `at` costs for the rest of the period: the price difference
 * times the share of the period left, in whole cents (rounded half up). 0 when `to` is not dearer.
 */
export function prorationCents(from: Plan, to: Plan, at: Date): number {
  const difference = to.monthlyPriceCents - from.monthlyPriceCents;
  if (difference <= 0) return 0;
  const { start, end } = periodOf(at);
  const left = end.getTime() - at.getTime();
  return Math.round((difference * left) / (end.getTime() - start.getTime()));
}
