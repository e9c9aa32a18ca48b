import { DEFAULT_TIER, plans, type PlanTier } from './plans.js';

export interface Quota {
  postsUsed: number;
  postsLimit: number | null;
  resetDate: string;
}

export interface UserPlan {
  subscriptionTier: PlanTier;
  quota: Quota;
}

/** The first instant of the next calendar month (UTC): when a monthly quota starts again. */
export function nextMonthlyReset(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** The quota of a plan, given the posts already generated in this period. Pure: time comes in. */
export function quotaOf(tier: PlanTier, postsUsed: number, now: Date): Quota {
  return { postsUsed, postsLimit: plans[tier].postsPerMonth, resetDate: nextMonthlyReset(now).toISOString() };
}

/**
 * A user's plan and quota. Until content records subscriptions and generations, every user is on
 * the default (free) plan with nothing used yet; see the service README.
 */
export function planOfUser(_userId: string, now: Date): UserPlan {
  return { subscriptionTier: DEFAULT_TIER, quota: quotaOf(DEFAULT_TIER, 0, now) };
}
