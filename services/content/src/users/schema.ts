import gql from 'graphql-tag';

/** The content subgraph's part for users: Serelo's plan and quota on identity's `User`. Side-effect free. */
export const usersTypeDefs = gql`
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
