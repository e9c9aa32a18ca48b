import gql from 'graphql-tag';

/** The commerce subgraph's part for payment methods; ../schema.ts merges every feature's. Side-effect free. */
export const paymentMethodsTypeDefs = gql`
  "A payment method of the caller's organization, attached to its Stripe customer."
  type BillingPaymentMethod {
    id: ID!
    organizationId: ID!
    stripePaymentMethodId: String!
    "Stripe's type, e.g. card"
    type: String!
    cardBrand: String
    cardLast4: String
    cardExpMonth: Int
    cardExpYear: Int
    isDefault: Boolean!
    createdAt: String!
  }

  extend type Query {
    "the caller's organization's payment methods, the default first"
    billingPaymentMethods: [BillingPaymentMethod!]!
  }

  extend type Mutation {
    """
    Attaches a Stripe payment method (pm_..., created with Stripe.js) to the organization; the first
    one, or one added with setAsDefault, is the default. Needs billing.manage.
    """
    addBillingPaymentMethod(stripePaymentMethodId: String!, setAsDefault: Boolean!): BillingPaymentMethod!
    "detaches and removes it (by its id or its Stripe id); NOT_FOUND for another organization's. Needs billing.manage."
    removeBillingPaymentMethod(id: ID!): Boolean!
  }
`;
