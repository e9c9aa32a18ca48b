import gql from 'graphql-tag';

/** The commerce subgraph's part for plans and quotas; ../schema.ts merges every feature's. Side-effect free. */
export const plansTypeDefs = gql`
  "A SerenAI subscription tier (Free, Launch, Scale); prices in USD cents per calendar month."
  type SerenaiPlan {
    id: ID!
    name: String!
    description: String!
    monthlyPriceCents: Int!
    currency: String!
    "paid calls included per month"
    includedRequests: Int!
    features: [String!]!
  }

  "An organization's plan and its current period (a calendar month, UTC)."
  type OrganizationPlan {
    organizationId: ID!
    plan: SerenaiPlan!
    status: String!
    currentPeriodStart: String!
    currentPeriodEnd: String!
    "the plan a scheduled downgrade moves to at the period's end"
    pendingPlan: SerenaiPlan
    pendingChangeAt: String
    stripePaymentMethodId: String
    "what the last upgrade charged for the rest of its period"
    lastProrationCents: Int
    "when the plan last changed; null while on the default plan since the start"
    changedAt: String
  }

  type QuotaSpend {
    asset: String!
    "decimal string, e.g. 10.50"
    amount: String!
  }

  "An organization's usage of its plan in the current period."
  type OrganizationQuota {
    organizationId: ID!
    plan: SerenaiPlan!
    periodStart: String!
    periodEnd: String!
    requestsUsed: Int!
    requestsLimit: Int!
    requestsRemaining: Int!
    percentUsed: Float!
    spend: [QuotaSpend!]!
  }

  extend type Query {
    serenaiPlans: [SerenaiPlan!]!
    "NOT_FOUND for an unknown plan"
    serenaiPlan(id: ID!): SerenaiPlan!
    "the organization's plan ('default': the caller's); another organization is NOT_FOUND"
    organizationPlan(organizationId: ID!): OrganizationPlan!
    "the organization's quota usage this period ('default': the caller's)"
    organizationQuota(organizationId: ID!): OrganizationQuota!
  }

  extend type Mutation {
    """
    Upgrades at once, charging the prorated difference to stripePaymentMethodId or the default payment
    method (none: VALIDATION_ERROR PAYMENT_METHOD_REQUIRED); a downgrade takes effect at the period's
    end. Needs billing.manage. With an idempotency key, a retry answers the first result (another
    plan with the same key: IDEMPOTENCY_ERROR).
    """
    changeOrganizationPlan(
      organizationId: ID!
      planId: ID!
      stripePaymentMethodId: String
      idempotencyKey: String
    ): OrganizationPlan!
  }
`;
