import type { GraphQLResolverMap, RequestContext } from '@seren/service-kit';
import type { Content } from '../application.js';
import { periodOf } from '../posts/post.js';
import { postsUsed } from '../posts/queries.js';
import { planOfUser, quotaOf } from './quota.js';

interface UserReference {
  id: string;
}

// Thin adapter: identity owns the user; content resolves the plan fields of a User entity by id,
// with the posts generated this month (the generation quota's read model).
export function usersResolvers(content: Content): GraphQLResolverMap<RequestContext> {
  return {
    User: {
      __resolveReference: (reference: UserReference) => ({ id: reference.id }),
      subscriptionTier: (user: UserReference) => planOfUser(user.id, content.now()).subscriptionTier,
      quota: async (user: UserReference) => {
        const now = content.now();
        const { subscriptionTier } = planOfUser(user.id, now);
        return quotaOf(subscriptionTier, await postsUsed(content, user.id, periodOf(now)), now);
      },
    },
  };
}
