import gql from 'graphql-tag';

/** The commerce subgraph's part for publishers (the minimal record) and their charges. Side-effect free. */
export const chargesTypeDefs = gql`
  # type Publisher: the publisher catalog's (publishers/schema.ts)

  "A charge of an agent's wallet by a publisher. Amounts are USDC atomic units (6 decimals) as integer strings."
  type PublisherCharge {
    id: ID!
    publisherId: ID!
    publisherSlug: String!
    "the agent wallet charged"
    agentWallet: String!
    asset: String!
    amountAtomic: String!
    "how much of it came from promotional credit (spent first)"
    fromPromotionalAtomic: String!
    "and from funded credit"
    fromFundedAtomic: String!
    description: String!
    idempotencyKey: String
    "succeeded or refunded"
    status: String!
    refundedAtomic: String!
    "what slashes paid back to the agent"
    slashedAtomic: String!
    refundReason: String
    refundedAt: String
    createdAt: String!
    updatedAt: String!
  }

  "What an agent wallet can spend (a publisher's pre-check)."
  type AgentWalletBalance {
    agentWallet: String!
    asset: String!
    "funded plus promotional credit"
    balanceAtomic: String!
    fundedAtomic: String!
    promotionalAtomic: String!
  }

  extend type Query {
    "a charge of the publisher; the caller's organization must own it (403), the charge be its (404)"
    publisherCharge(slug: String!, chargeId: ID!): PublisherCharge!
    "an agent wallet's balance, for the caller's organization's publisher (404 when it has none)"
    agentWalletBalance(agentWallet: String!): AgentWalletBalance!
  }

  extend type Mutation {
    "registers a publisher for the caller's organization (needs publisher.manage); slug unique"
    registerPublisher(slug: String!, name: String!): Publisher!
    "charges the agent wallet (402 when it cannot pay); the same idempotencyKey answers the first charge again"
    createPublisherCharge(
      slug: String!
      agentWallet: String!
      amountAtomic: String!
      description: String!
      idempotencyKey: String
    ): PublisherCharge!
    "refunds what is left of the charge to the agent, once"
    refundPublisherCharge(
      slug: String!
      chargeId: ID!
      reason: String!
      idempotencyKey: String
    ): PublisherCharge!
    "a penalty: slashAmountAtomic from the publisher's earnings back to the agent (402 when they lack it)"
    slashPublisherCharge(
      slug: String!
      chargeId: ID!
      reason: String!
      slashAmountAtomic: String!
      idempotencyKey: String
    ): PublisherCharge!
  }
`;
