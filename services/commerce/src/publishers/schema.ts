import gql from 'graphql-tag';
import { configFields, pricingFields, secretFields } from './fields.js';

// The publisher's GraphQL fields are its documented settings (fields.ts) in camelCase, so the list
// is written once: a setting's kind gives its GraphQL type. Side-effect free (the gateway imports
// the subgraph's typeDefs to compose).

export const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

const graphqlType: Record<string, string> = {
  text: 'String',
  email: 'String',
  url: 'String',
  header: 'String',
  enum: 'String',
  address: 'String',
  network: 'String',
  bool: 'Boolean',
  int: 'Int',
  texts: '[String!]',
  headers: '[String!]',
  stringMap: 'JSON',
  json: 'JSON',
  price: 'String',
  multiplier: 'String',
};

/** settings the Publisher type shows as fields of its own (the type resolved from all settings) */
export const OWN_FIELDS = new Set(['integration_type']);

const lines = (fields: Record<string, { kind: string }>, nonNullLists = false) =>
  Object.entries(fields)
    .filter(([name]) => !nonNullLists || !OWN_FIELDS.has(name))
    .map(([name, { kind }]) => {
      const type = graphqlType[kind]!;
      return `    ${camel(name)}: ${nonNullLists && type.startsWith('[') ? `${type}!` : type}`;
    })
    .join('\n');

const secretFlags = Object.keys(secretFields)
  .map(
    (name) =>
      `    "whether ${name} is set (its value is never shown)"\n    has${camel(`_${name}`)}: Boolean!`,
  )
  .join('\n');

export const publishersTypeDefs = gql(`
  "Any JSON value (settings such as endpoints, upstream_headers)."
  scalar JSON

  """
  A publisher agents pay to call: an HTTP API, a PostgreSQL database, an A2A agent or an MCP
  server. Secrets (upstream API key, api_headers, connection string, OAuth client secret,
  database_config) are never shown: only whether each is set. The store (another organization's
  caller) sees the listing, pricing and how to pay, not how the upstream is reached (those fields
  are null there).
  """
  type Publisher @key(fields: "id") {
    id: ID!
    "unique, lowercase; the {slug} of the store, proxy and billing paths"
    slug: String!
    name: String!
    "the organization that owns it: its API keys speak for the publisher"
    organizationId: ID!
    "api, database, agent or mcp"
    integrationType: String!
    isVerified: Boolean!
    "active, inactive (is_active false) or deleted"
    status: String!
    createdAt: String!
    updatedAt: String!
    deletedAt: String
    "pricing per asset"
    pricing: [PublisherPricing!]!
${lines(configFields, true)}
${secretFlags}
  }

  "A publisher's pricing for one asset. Prices are decimal strings of the asset (USDC: up to 6 decimals)."
  type PublisherPricing {
    publisherId: ID!
    assetId: ID!
    assetSymbol: String!
${lines(pricingFields)}
    createdAt: String!
    updatedAt: String!
  }

  """
  What creating or updating a publisher takes: every setting by its camelCase name. On update an
  absent field is unchanged and null clears it; prices apply to the primary asset (USDC).
  """
  input PublisherInput {
    slug: String
    name: String
${Object.entries({ ...configFields, ...secretFields, ...pricingFields })
  .map(([name, { kind }]) => `    ${camel(name)}: ${graphqlType[kind]}`)
  .join('\n')}
    "update: asset ids to add to, or remove from, accepted_asset_ids"
    addAssetIds: [String!]
    removeAssetIds: [String!]
  }

  "PUT .../pricing: the asset, and the prices to set (absent: unchanged, null: cleared)."
  input PublisherPricingInput {
    assetId: String!
${Object.entries(pricingFields)
  .map(([name, { kind }]) => `    ${camel(name)}: ${graphqlType[kind]}`)
  .join('\n')}
  }

  "A publisher's earnings in one asset, from the ledger. Amounts are atomic units as integer strings."
  type PublisherEarnings {
    publisherId: ID!
    assetId: ID!
    assetSymbol: String!
    "the earnings account's balance: what can be paid out"
    availableAtomic: String!
    "open holds of calls still running"
    pendingAtomic: String!
    pendingCount: Int!
    "taken by payouts"
    paidOutAtomic: String!
    "available plus paid out"
    totalEarnedAtomic: String!
  }

  type PublisherPage {
    items: [Publisher!]!
    total: Int!
    limit: Int!
    offset: Int!
  }

  type PublisherSuggestion {
    publisher: Publisher!
    "the listing's full-text rank against the task, 0-1"
    score: Float!
    "the task's words (stemmed) the listing matched"
    matchedTerms: [String!]!
  }

  type PublisherSuggestions {
    query: String!
    "publisher, agent or both"
    type: String!
    publishers: [PublisherSuggestion!]!
    "agent suggestions are planned, not implemented: always empty"
    agents: [Publisher!]!
  }

  type PublisherRevenueMetrics {
    periodStart: String!
    periodEnd: String!
    totalRevenueAtomic: String!
    totalQueries: Int!
    activeAgents: Int!
    avgQueryCostAtomic: String!
    revenueChangePct: Int!
    queriesChangePct: Int!
    agentsChangePct: Int!
  }

  type PublisherRevenueDay {
    "YYYY-MM-DD (UTC)"
    date: String!
    queryCount: Int!
    revenueAtomic: String!
    uniqueAgents: Int!
  }

  type PublisherTopAgent {
    rank: Int!
    agentWallet: String!
    totalSpentAtomic: String!
    queryCount: Int!
    lastActive: String
    balanceAtomic: String!
  }

  extend type Query {
    "the organization's publishers (default: the caller's); another organization is 403"
    organizationPublishers(organizationId: ID!): [Publisher!]!
    organizationPublisher(organizationId: ID!, publisherId: ID!): Publisher!
    "earnings per asset (available, pending holds, paid out)"
    publisherEarnings(organizationId: ID!, publisherId: ID!): [PublisherEarnings!]!
    "the store: active publishers, filtered and paged (limit 1-100, default 50)"
    storePublishers(isVerified: Boolean, category: String, search: String, limit: Int, offset: Int): PublisherPage!
    "publishers ranked against a task text (full-text search); type publisher, agent or both"
    suggestPublishers(query: String!, type: String, limit: Int): PublisherSuggestions!
    "a publisher's store page by slug"
    storePublisher(slug: String!): Publisher!
    "revenue of the last days (default 30) against the days before"
    publisherRevenueMetrics(organizationId: ID!, publisherId: ID!, days: Int): PublisherRevenueMetrics!
    publisherRevenueByDay(organizationId: ID!, publisherId: ID!, days: Int): [PublisherRevenueDay!]!
    publisherTopAgents(organizationId: ID!, publisherId: ID!, limit: Int): [PublisherTopAgent!]!
  }

  extend type Mutation {
    "creates a publisher in the organization (needs publisher.manage); slug unique (409)"
    createPublisher(organizationId: ID!, input: PublisherInput!): Publisher!
    updatePublisher(organizationId: ID!, publisherId: ID!, input: PublisherInput!): Publisher!
    "soft delete: gone from the store and the proxy; history, earnings and slug are kept"
    deletePublisher(organizationId: ID!, publisherId: ID!): Publisher!
    setPublisherPricing(organizationId: ID!, publisherId: ID!, input: PublisherPricingInput!): PublisherPricing!
  }
`);
