import gql from 'graphql-tag';

/** The crm subgraph's part for webhook subscriptions and their deliveries; ../schema.ts merges every feature's. */
export const webhooksTypeDefs = gql`
  "A custom header sent with each delivery; the value is masked in every read."
  type WebhookHeader {
    name: String!
    value: String!
  }

  "A location's webhook subscription: HighLevel's webhook bodies for the events it lists, signed."
  type Webhook @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String
    url: String!
    "POST (JSON body, default) or GET (the payload's fields as the query)"
    method: String!
    "HighLevel's webhook types, e.g. ContactCreate, OpportunityStatusUpdate, AppointmentCreate, INSTALL"
    events: [String!]!
    headers: [WebhookHeader!]!
    enabled: Boolean!
    "consecutive_failures when the engine disabled it"
    disabledReason: String
    createdAt: String!
    updatedAt: String!
    "its deliveries, newest first"
    deliveries(limit: Int, startAfterId: ID, state: String): WebhookDeliveryPage!
  }

  "A subscription with its signing secret, shown this once (create, rotate)."
  type WebhookWithSecret {
    webhook: Webhook!
    "the HMAC secret of X-Serebro-Signature (whsec_...)"
    secret: String!
  }

  type WebhookAttempt {
    number: Int!
    startedAt: String!
    durationMs: Int!
    "delivered, retry, rejected or failed (the last retry)"
    outcome: String!
    status: Int
    "TIMEOUT, NETWORK <code>, PRIVATE_ADDRESS, RECEIVER_DISABLED"
    error: String
    "the answer's first 1,024 bytes"
    responseExcerpt: String
  }

  type WebhookDelivery {
    id: ID!
    webhookId: ID!
    eventId: String!
    "the HighLevel webhook type"
    eventType: String!
    "the body as sent (JSON)"
    payload: String!
    "pending, sending, delivered, failed or rejected"
    state: String!
    attempts: Int!
    nextAttemptAt: String
    lastStatus: Int
    lastError: String
    deliveredAt: String
    createdAt: String!
    attemptLog: [WebhookAttempt!]!
  }

  type WebhookDeliveryPage {
    items: [WebhookDelivery!]!
    nextStartAfterId: ID
  }

  input WebhookHeaderInput {
    name: String!
    value: String!
  }

  input WebhookInput {
    name: String
    url: String
    method: String
    events: [String!]
    "replaces every custom header"
    headers: [WebhookHeaderInput!]
    enabled: Boolean
  }

  extend type Query {
    "the caller's location's webhook subscriptions, newest first"
    webhooks: [Webhook!]!
    webhook(id: ID!): Webhook!
    webhookDelivery(webhookId: ID!, deliveryId: ID!): WebhookDelivery!
    "the Ed25519 public key (PEM) X-GHL-Signature verifies with"
    webhookSigningPublicKey: String!
    "the webhook types a subscription may list"
    webhookEventTypes: [String!]!
  }

  extend type Mutation {
    createWebhook(input: WebhookInput!): WebhookWithSecret!
    updateWebhook(id: ID!, input: WebhookInput!): Webhook!
    rotateWebhookSecret(id: ID!): WebhookWithSecret!
    deleteWebhook(id: ID!): Boolean!
    redeliverWebhookDelivery(webhookId: ID!, deliveryId: ID!): WebhookDelivery!
  }
`;
