import type { Voice } from '@seren/contracts';
import { plans, type PlanTier } from '../users/plans.js';

/** The spec's voices per plan: the free plan has four, starter and above all eleven. */
export const freeVoices: readonly Voice[] = ['professional', 'casual', 'witty', 'technical'];

export const voiceAvailable = (tier: PlanTier, voice: Voice) => tier !== 'free' || freeVoices.includes(voice);

/**
 * Rows a bulk generation may have. The spec gives pro 500 (GET /billing/subscription); the other
 * plans are this service's choice, in the same proportion to their monthly posts (see README).
 */
export const bulkLimits: Record<PlanTier, number> = {
  free: 10,
  starter: 100,
  pro: 500,
  business: 1000,
  enterprise: 2000,
};

export const limitsOf = (tier: PlanTier) => ({
  postsPerMonth: plans[tier].postsPerMonth,
  concurrentGenerations: plans[tier].concurrentGenerations,
  bulkLimit: bulkLimits[tier],
});
