import gql from 'graphql-tag';
import type { GraphQLResolverMap, RequestContext } from '@seren/service-kit';
import { userResolvers } from './users/graphql.js';

/**
 * The content subgraph (Federation 2). `typeDefs` is side-effect free: the gateway imports it to
 * compose the supergraph. Content adds Serelo's plan and quota to identity's `User`.
 */
export const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  """
  A Serelo user as content sees them: the plan they are on and their monthly post quota. The user
  itself (email, name, ...) belongs to the identity subgraph.
  """
  type User @key(fields: "id") {
    id: ID!
    "the Serelo plan: free, starter, pro, business or enterprise"
    subscriptionTier: String!
    quota: Quota!
  }

  "Posts generated in the current billing period against the plan's monthly limit."
  type Quota {
    postsUsed: Int!
    "null on plans without a limit (enterprise)"
    postsLimit: Int
    "ISO 8601 time at which the count starts again"
    resetDate: String!
  }
`;

export const resolvers: GraphQLResolverMap<RequestContext> = { ...userResolvers };
