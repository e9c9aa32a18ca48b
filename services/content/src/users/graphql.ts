import type { GraphQLResolverMap, RequestContext } from '@seren/service-kit';
import type { Content } from '../application.js';
import { billingOf, postsUsedIn } from '../billing/queries.js';
import { quotaOf } from './quota.js';

interface UserReference {
  id: string;
}

// Thin adapter: identity owns the user; content resolves the plan fields of a User entity by id:
// the plan of the user's subscription (billing's catalog) and the posts used in its billing cycle
// (the generation quota's read model).
export function usersResolvers(content: Content): GraphQLResolverMap<RequestContext> {
  return {
    User: {
      __resolveReference: (reference: UserReference) => ({ id: reference.id }),
      subscriptionTier: async (user: UserReference) =>
        (await billingOf(content, user.id, content.now())).tier,
      quota: async (user: UserReference) => {
        const { plan, cycle } = await billingOf(content, user.id, content.now());
        return quotaOf(plan, await postsUsedIn(content, user.id, cycle.period), cycle);
      },
    },
  };
}
