import type { Content } from '../application.js';
import type { SubscriptionTimer } from './subscription.js';
import { closeSubscriptionPeriod, nextSubscriptionTimer } from './service.js';

/** The subscription timer's activities: each a thin adapter over one application function. */
export function billingActivities(content: Content) {
  return {
    nextSubscriptionTimer: (userId: string) => nextSubscriptionTimer(content, userId),
    closeSubscriptionPeriod: (userId: string, timer: NonNullable<SubscriptionTimer>) =>
      closeSubscriptionPeriod(content, userId, timer),
  };
}

export type BillingActivities = ReturnType<typeof billingActivities>;
