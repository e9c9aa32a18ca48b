import gql from 'graphql-tag';

export const proxyTypeDefs = gql`
  "what a query to a publisher would cost (POST /publishers/{slug}/estimate); nothing is run or paid"
  type PublisherQueryEstimate {
    publisherName: String!
    publisherSlug: String!
    "the asset it is priced in (USDC)"
    assetSymbol: String!
    "decimal string of the asset"
    estimatedCost: String!
    "atomic units (USDC: 6 decimals), as a string"
    estimatedCostAtomic: String!
    "the planner's estimate of the rows returned (database publishers), capped at the publisher's row cap; 0 otherwise"
    estimatedRows: Int!
  }

  extend type Query {
    "prices a query without running it: SQL from EXPLAIN's row estimate, priced per 1,000 rows; other publishers one call (public)"
    estimatePublisherQuery(
      slug: String!
      publisherId: String!
      query: String!
      assetId: String
    ): PublisherQueryEstimate!
  }

  extend type Mutation {
    """
    Starts an agent task on the agent publisher \`slug\` (compute_type agent), as its root call
    POST /publishers/{slug} does: the caller's wallet holds the first payment (402 INSUFFICIENT_FUNDS
    when it cannot), the task is followed to its end (agentTask, agentTaskEvents, cancelAgentTask).
    \`message\`: what the root call's body would be (a string, {message|text|query|prompt|input},
    A2A parts, else one data part). \`geoRouting\`: the opt-in of X-Seren-Geo-Routing.
    \`idempotencyKey\`: as the root call's Idempotency-Key, the same key and message answer the first
    task again and hold nothing more (another message: VALIDATION_ERROR IDEMPOTENCY_ERROR).
    """
    startAgentTask(slug: String!, message: JSON!, geoRouting: Boolean, idempotencyKey: String): AgentTask!
  }
`;
