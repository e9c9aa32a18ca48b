import { voices, type PlanTierName, type Voice } from '@seren/contracts';

/**
 * Serelo's plan catalog: the one place every plan rule reads (the voices rule, the generation quota,
 * bulk and concurrency limits, `users/me` and the billing operations). From the spec: prices and
 * monthly posts (Billing, "Plan Tiers"), concurrent generations (Rate Limiting: free 1, starter 3,
 * pro 10, business 20), voices (Generate Post: free has four, starter and above all), pro's bulk
 * limit 500 (Get Subscription's example). The rest is this service's choice, said in the README:
 * enterprise's concurrency (20, the spec is silent) and the other bulk limits (in proportion to the
 * monthly posts). Amounts are ZAR cents, Paystack's minor units. `postsPerMonth: null`: unlimited.
 */
export interface Plan {
  tier: PlanTierName;
  /** per month, ZAR cents */
  priceCents: number;
  postsPerMonth: number | null;
  concurrentGenerations: number;
  /** rows one bulk generation may have */
  bulkLimit: number;
  voices: readonly Voice[];
}

export const freeVoices: readonly Voice[] = ['professional', 'casual', 'witty', 'technical'];

export const plans = {
  free: {
    tier: 'free',
    priceCents: 0,
    postsPerMonth: 10,
    concurrentGenerations: 1,
    bulkLimit: 10,
    voices: freeVoices,
  },
  starter: {
    tier: 'starter',
    priceCents: 39_900,
    postsPerMonth: 50,
    concurrentGenerations: 3,
    bulkLimit: 100,
    voices,
  },
  pro: {
    tier: 'pro',
    priceCents: 99_900,
    postsPerMonth: 200,
    concurrentGenerations: 10,
    bulkLimit: 500,
    voices,
  },
  business: {
    tier: 'business',
    priceCents: 199_900,
    postsPerMonth: 500,
    concurrentGenerations: 20,
    bulkLimit: 1000,
    voices,
  },
  enterprise: {
    tier: 'enterprise',
    priceCents: 399_900,
    postsPerMonth: null,
    concurrentGenerations: 20,
    bulkLimit: 2000,
    voices,
  },
} as const satisfies Record<PlanTierName, Plan>;

export type PlanTier = PlanTierName;

/** The order of the tiers: a higher rank is an upgrade (applies at once), a lower one a downgrade (at the cycle's end). */
export const rankOf = (tier: PlanTier) =>
  (['free', 'starter', 'pro', 'business', 'enterprise'] as const).indexOf(tier);

/** Every user starts on the free plan (the spec's registration answers `subscription_tier: free`). */
export const DEFAULT_TIER: PlanTier = 'free';

export const planOf = (tier: PlanTier): Plan => plans[tier];

export const voiceAvailable = (tier: PlanTier, voice: Voice) => plans[tier].voices.includes(voice);

/** The Paystack currency of every plan. */
export const CURRENCY = 'ZAR' as const;
