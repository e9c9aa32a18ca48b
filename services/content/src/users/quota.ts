import type { Plan } from '../billing/plans.js';
import type { BillingCycle } from '../billing/subscription.js';

export interface Quota {
  postsUsed: number;
  postsLimit: number | null;
  resetDate: string;
}

/**
 * The quota `users/me` shows: the plan's posts per billing cycle (billing's catalog), the posts
 * used in the cycle, and when the next cycle starts them again from 0. Pure.
 */
export function quotaOf(plan: Plan, postsUsed: number, cycle: BillingCycle): Quota {
  return { postsUsed, postsLimit: plan.postsPerMonth, resetDate: cycle.end.toISOString() };
}
