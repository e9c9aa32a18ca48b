import gql from 'graphql-tag';

/** The content subgraph's part for billing: Serelo's plans and subscriptions. Side-effect free. */
export const billingTypeDefs = gql`
  "A Serelo plan of the catalog (prices in ZAR cents per month)."
  type SereloPlan {
    "free, starter, pro, business or enterprise"
    tier: String!
    priceCents: Int!
    currency: String!
    "null: unlimited (enterprise)"
    postsPerMonth: Int
    concurrentGenerations: Int!
    "rows one bulk generation may have"
    bulkLimit: Int!
    voices: [String!]!
  }

  "The quota of a subscription's billing cycle."
  type BillingQuota {
    "null: unlimited"
    postsLimit: Int
    postsUsed: Int!
    bulkLimit: Int!
    concurrentLimit: Int!
  }

  "The caller's Serelo subscription: the free plan when they have no paid one."
  type BillingSubscription {
    userId: ID!
    plan: String!
    "active (also on free), cancelled (paid until endDate) or past_due (a renewal failed; paid until endDate)"
    status: String!
    billingCycleStart: String!
    "the cycle's last second"
    billingCycleEnd: String!
    quota: BillingQuota!
    "Paystack's subscription code, once Paystack created the subscription"
    paystackSubscriptionId: String
    "when the next charge is due (active paid plans only)"
    nextBillingDate: String
    "a downgrade chosen for the end of this cycle"
    pendingPlan: String
    "when access to the paid plan ends (cancelled, past_due)"
    endDate: String
    "every change of the caller's subscription, oldest first"
    history: [SubscriptionChange!]!
  }

  "One state change of a subscription (an event of its stream)."
  type SubscriptionChange {
    id: ID!
    subscriptionId: ID!
    "the event: SubscriptionCheckoutStarted, SubscriptionActivated, SubscriptionCancelled, SubscriptionEnded, ..."
    change: String!
    "the plan after the change"
    plan: String!
    "pending, active, cancelled or past_due after the change"
    status: String!
    occurredAt: String!
    "the event's data"
    detail: JSONObject!
  }

  "A checkout begun: pay at authorizationUrl (null for a downgrade, which needs no payment now)."
  type SubscriptionCheckout {
    subscriptionId: ID!
    plan: String!
    "pending until Paystack reports the charge; active for a scheduled downgrade"
    status: String!
    authorizationUrl: String
    reference: String
  }

  type SubscriptionCancellation {
    subscriptionId: ID!
    status: String!
    endDate: String!
    message: String!
  }

  extend type Query {
    "Serelo's plan catalog"
    sereloPlans: [SereloPlan!]!
    "the caller's subscription"
    billingSubscription: BillingSubscription!
    "the caller's subscription changes, oldest first"
    subscriptionHistory: [SubscriptionChange!]!
  }

  extend type Mutation {
    "starts a paid plan or an upgrade (a Paystack checkout), or schedules a downgrade for the cycle's end"
    createSubscription(plan: String!, paymentMethod: String): SubscriptionCheckout!
    "stops renewal: the plan stays until the cycle's end, then the free plan"
    cancelSubscription: SubscriptionCancellation!
  }
`;
