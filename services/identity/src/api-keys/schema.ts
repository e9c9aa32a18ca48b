import gql from 'graphql-tag';

/** The identity subgraph's part for organization API keys; ../schema.ts merges every feature's. Side-effect free. */
export const apiKeysTypeDefs = gql`
  type ApiKey {
    id: ID!
    organizationId: ID!
    name: String!
    "the visible start of the key, e.g. seren_ab12cd34ef"
    prefix: String!
    createdBy: ID
    createdAt: String!
    expiresAt: String
    lastUsedAt: String
    revokedAt: String
  }

  "A new API key: the full secret is returned here once and never again."
  type CreatedApiKey {
    apiKey: ApiKey!
    key: String!
  }

  extend type Query {
    apiKeys(organizationId: ID!): [ApiKey!]!
  }

  extend type Mutation {
    createApiKey(organizationId: ID!, name: String!, expiresInDays: Int): CreatedApiKey!
    revokeApiKey(organizationId: ID!, keyId: ID!): ApiKey!
  }
`;
