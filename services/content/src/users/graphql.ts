import type { GraphQLResolverMap, RequestContext } from '@seren/service-kit';
import { planOfUser } from './quota.js';

interface UserReference {
  id: string;
}

// Thin adapter: identity owns the user; content resolves the plan fields of a User entity by id.
export const userResolvers: GraphQLResolverMap<RequestContext> = {
  User: {
    __resolveReference: (reference: UserReference) => ({ id: reference.id }),
    subscriptionTier: (user: UserReference) => planOfUser(user.id, new Date()).subscriptionTier,
    quota: (user: UserReference) => planOfUser(user.id, new Date()).quota,
  },
};
