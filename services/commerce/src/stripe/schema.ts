import gql from 'graphql-tag';

/** The commerce subgraph's part for Stripe deposits; ../schema.ts merges every feature's. Side-effect free. */
export const stripeTypeDefs = gql`
  enum StripeDepositStatus {
    "waiting for Stripe's webhook"
    PENDING
    "paid: the amount received was credited to the funded balance"
    SUCCEEDED
    FAILED
    CANCELED
    "succeeded, then Stripe refunded some or all of it (taken back from the funded balance)"
    REFUNDED
    "succeeded, then disputed by the card holder: a dispute not (yet) won holds money back"
    DISPUTED
  }

  "A deposit into the organization's wallet by Stripe (a PaymentIntent); amounts in USD cents."
  type StripeDeposit {
    id: ID!
    organizationId: ID!
    paymentIntentId: String!
    amountCents: Int!
    currency: String!
    status: StripeDepositStatus!
    "what Stripe received and was credited, once succeeded"
    amountReceivedCents: Int
    "what Stripe took back: refunds so far plus open (not won) disputes; 0 when nothing was"
    reversedCents: Int!
    "of which refunds"
    refundedCents: Int!
    "of which open disputes"
    disputedCents: Int!
    failureReason: String
    referralCode: String
    createdAt: String!
    updatedAt: String!
  }

  "A started deposit: confirm the PaymentIntent with its client secret (Stripe.js); the webhook credits it."
  type StripeDepositStarted {
    depositId: ID!
    paymentIntentId: String!
    clientSecret: String
    amountCents: Int!
    currency: String!
    status: StripeDepositStatus!
    createdAt: String!
  }

  extend type Query {
    "one of the caller's organization's deposits"
    stripeDeposit(id: ID!): StripeDeposit!
  }

  extend type Mutation {
    """
    Starts a Stripe deposit for the caller's organization: at least 500 cents ($5.00). With an
    idempotency key, a retry answers the first result (another amount with the same key: IDEMPOTENCY_ERROR).
    """
    createStripeDeposit(
      amountCents: Int!
      referralCode: String
      idempotencyKey: String
    ): StripeDepositStarted!
  }
`;
