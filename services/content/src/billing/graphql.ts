import { resolver, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import { CURRENCY, plans } from './plans.js';
import { subscriptionHistoryOf, type SubscriptionView } from './queries.js';
import {
  cancelSubscription,
  createSubscription,
  getSubscription,
  getSubscriptionHistory,
} from './service.js';

export function billingResolvers(content: Content): Resolvers {
  return {
    Query: {
      sereloPlans: () => Object.values(plans).map((p) => ({ ...p, currency: CURRENCY })),
      billingSubscription: resolver(content, (c, request) => getSubscription(c, request)),
      subscriptionHistory: resolver(content, (c, request) => getSubscriptionHistory(c, request)),
    },
    Mutation: {
      createSubscription: resolver(
        content,
        (c, request, args: { plan: string; paymentMethod?: string | null }) =>
          createSubscription(c, request, args),
      ),
      cancelSubscription: resolver(content, (c, request) => cancelSubscription(c, request)),
    },
    BillingSubscription: {
      // the parent is the caller's own subscription (billingSubscription)
      history: (subscription: SubscriptionView) => subscriptionHistoryOf(content, subscription.userId),
    },
  };
}
