import gql from 'graphql-tag';

/** The crm subgraph's part for payments (spec §7); ../schema.ts merges every feature's. Side-effect free. */
export const paymentsTypeDefs = gql`
  "A payment intent of a location for a contact (HighLevel's transaction). Amounts in minor units (cents)."
  type PaymentTransaction @key(fields: "id") {
    id: ID!
    locationId: ID!
    contactId: ID!
    "the contact (of the same location)"
    contact: Contact
    opportunityId: ID
    appointmentId: ID
    connectionId: ID!
    "stripe or custom"
    provider: String!
    liveMode: Boolean!
    "the provider's id: Stripe's PaymentIntent id, the custom provider's chargeId"
    providerPaymentId: ID!
    "minor units"
    amount: Int!
    "ISO 4217, upper case"
    currency: String!
    description: String
    "string values"
    metadata: JSON!
    "requires_confirmation, processing, failed, succeeded, partially_refunded, refunded or canceled"
    status: String!
    amountCaptured: Int!
    amountRefunded: Int!
    failureMessage: String
    returnUrl: String
    "Stripe's client secret, for Stripe.js (the create's answer only; null elsewhere)"
    clientSecret: String
    createdAt: String!
    updatedAt: String!
  }

  type PaymentTransactionPage {
    "newest first"
    items: [PaymentTransaction!]!
    total: Int!
  }

  "One mode's keys as reads show them: masked."
  type PaymentModeKeys {
    credentialId: ID!
    "e.g. {secretKey: 'sk_…1234'}"
    masked: JSON!
  }

  "A location's connection to a payment provider (Stripe, or a custom provider in HighLevel's model)."
  type PaymentConnection {
    id: ID!
    locationId: ID!
    "stripe or custom"
    provider: String!
    name: String!
    description: String
    paymentsUrl: String
    queryUrl: String
    imageUrl: String
    test: PaymentModeKeys
    live: PaymentModeKeys
    "where the provider posts its webhooks"
    webhookUrl: String!
    "custom provider: the webhook signing secret of each mode just set, shown this once"
    testWebhookSecret: String
    liveWebhookSecret: String
    createdAt: String!
    updatedAt: String!
  }

  input PaymentTransactionFilter {
    contactId: ID
    "an opportunity or appointment the payment is for"
    entityId: ID
    "live or test"
    paymentMode: String
    status: String
    "ISO 8601 bounds on the creation time"
    startAt: String
    endAt: String
  }

  input CreatePaymentIntentInput {
    "a contact of the location"
    contactId: ID!
    "minor units (cents), 1..99999999"
    amount: Int!
    "ISO 4217, e.g. USD"
    currency: String!
    description: String
    "string values (Stripe's limits: 50 keys)"
    metadata: JSON
    "stripe or custom; default: the location's only connection"
    provider: String
    "live keys when true; test (sandbox) keys otherwise (the default)"
    liveMode: Boolean
    opportunityId: ID
    appointmentId: ID
    "an http(s) URL, or a path resolved against the location's base URL"
    returnUrl: String
  }

  input ConfirmPaymentIntentInput {
    "Stripe: the payment method to charge (e.g. pm_card_visa); custom provider: passed on"
    paymentMethod: String
    returnUrl: String
  }

  input PaymentModeKeysInput {
    "Stripe: sk_test_… / sk_live_…"
    secretKey: String
    publishableKey: String
    "Stripe: the endpoint's signing secret (whsec_…) from Stripe's dashboard"
    webhookSecret: String
    "custom provider: the key Serebro sends the provider"
    apiKey: String
  }

  input PaymentKeysInput {
    test: PaymentModeKeysInput
    live: PaymentModeKeysInput
  }

  input CustomPaymentProviderInput {
    name: String!
    description: String
    "the page a customer pays on"
    paymentsUrl: String!
    "the endpoint Serebro calls (create_payment, confirm_payment, cancel_payment, refund, list_payments)"
    queryUrl: String!
    imageUrl: String
  }

  extend type Query {
    "the caller's location's payment intents (HighLevel's transactions), newest first; limit 1-100 (default 10) from offset"
    paymentTransactions(filter: PaymentTransactionFilter, limit: Int, offset: Int): PaymentTransactionPage!
    "a payment intent of the caller's location; another location's is NOT_FOUND"
    paymentTransaction(id: ID!): PaymentTransaction!
    "the location's connection to stripe or custom; NOT_FOUND when there is none"
    paymentConnection(provider: String!): PaymentConnection!
    "the location's payment connections"
    paymentConnections: [PaymentConnection!]!
  }

  extend type Mutation {
    "creates the intent at the provider; the same idempotencyKey with the same input answers the first intent"
    createPaymentIntent(input: CreatePaymentIntentInput!, idempotencyKey: String): PaymentTransaction!
    "confirms at the provider; succeeded or failed comes by the provider's webhook (or the reconciliation)"
    confirmPaymentIntent(
      id: ID!
      input: ConfirmPaymentIntentInput
      idempotencyKey: String
    ): PaymentTransaction!
    cancelPaymentIntent(id: ID!, reason: String, idempotencyKey: String): PaymentTransaction!
    "full (no amount) or partial, never more than captured less refunded"
    refundPayment(id: ID!, amount: Int, idempotencyKey: String): PaymentTransaction!
    "connects Stripe (or replaces a mode's keys)"
    connectStripe(input: PaymentKeysInput!): PaymentConnection!
    "HighLevel's create custom provider integration"
    createCustomPaymentProvider(input: CustomPaymentProviderInput!): PaymentConnection!
    "HighLevel's custom provider connect: each mode's apiKey and publishableKey"
    connectCustomPaymentProvider(input: PaymentKeysInput!): PaymentConnection!
    disconnectPaymentProvider(provider: String!): Boolean!
  }
`;
