/**
 * Serelo's plans, from its spec ("Billing" plan tiers and "Rate Limiting" concurrency): monthly
 * posts and concurrent generations per plan. `postsPerMonth: null` means unlimited.
 */
export const plans = {
  free: { postsPerMonth: 10, concurrentGenerations: 1 },
  starter: { postsPerMonth: 50, concurrentGenerations: 3 },
  pro: { postsPerMonth: 200, concurrentGenerations: 10 },
  business: { postsPerMonth: 500, concurrentGenerations: 20 },
  enterprise: { postsPerMonth: null, concurrentGenerations: 20 },
} as const satisfies Record<string, { postsPerMonth: number | null; concurrentGenerations: number }>;

export type PlanTier = keyof typeof plans;

/** Every user starts on the free plan (the spec's registration answers `subscription_tier: free`). */
export const DEFAULT_TIER: PlanTier = 'free';
