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
`;
