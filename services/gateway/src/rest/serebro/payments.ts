import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  PaymentConnectionFields,
  paymentConnectionSchema,
  paymentConnectionToRest,
} from './shapes/payment-connection.js';
import {
  createdIntentSchema,
  createdIntentToRest,
  PaymentTransactionFields,
  paymentTransactionSchema,
  paymentTransactionToRest,
} from './shapes/payment-transaction.js';

// Serebro §7 Custom Payments Integration ("create payment intents, confirm transactions, refund
// flows; webhooks for payment success/failure; a sandbox URL"), on v1 and v2. The spec names no
// paths; these are HighLevel's payments API where it has one (List/Get Transactions, the custom
// provider's integration and connect), and Stripe's intent verbs under `/payments/intents` where it
// has none. Money writes take an `Idempotency-Key` header with Stripe's semantics. Rules (amounts,
// refundable, states) are the crm service's; the provider webhooks are forwards (signed raw bodies).

const id = z.string().min(1);
const count = z.coerce.number().int();
const locationId = id.optional().describe('required with an agency credential');

const shared = { auth: 'required', rateLimit: 'api' } as const;
const errors = [400, 402, 403, 404, 409];
const read = { ...shared, errors, scope: 'payments:read' } as const;
const write = { ...shared, errors, scope: 'payments:write' } as const;
const beyond = (what: string) => `Serebro §7 (custom payments integration; the spec names no path): ${what}`;

const idempotencyKeyOf = (headers: IncomingHttpHeaders) => {
  const key = headers['idempotency-key'];
  return (Array.isArray(key) ? key[0] : key) || null;
};
const keyNote =
  " Optional `Idempotency-Key` header (Stripe's semantics: the same key and body answer the first response; another body 400 `IDEMPOTENCY_ERROR`; while the first runs 409 `IDEMPOTENCY_KEY_IN_USE`).";

const IntentCreated = graphql(
  `
    mutation SerebroCreatePaymentIntent($input: CreatePaymentIntentInput!, $idempotencyKey: String) {
      createPaymentIntent(input: $input, idempotencyKey: $idempotencyKey) {
        ...PaymentTransactionFields
      }
    }
  `,
  [PaymentTransactionFields],
);
const ConfirmIntent = graphql(
  `
    mutation SerebroConfirmPaymentIntent(
      $id: ID!
      $input: ConfirmPaymentIntentInput
      $idempotencyKey: String
    ) {
      confirmPaymentIntent(id: $id, input: $input, idempotencyKey: $idempotencyKey) {
        ...PaymentTransactionFields
      }
    }
  `,
  [PaymentTransactionFields],
);
const CancelIntent = graphql(
  `
    mutation SerebroCancelPaymentIntent($id: ID!, $reason: String, $idempotencyKey: String) {
      cancelPaymentIntent(id: $id, reason: $reason, idempotencyKey: $idempotencyKey) {
        ...PaymentTransactionFields
      }
    }
  `,
  [PaymentTransactionFields],
);
const RefundPayment = graphql(
  `
    mutation SerebroRefundPayment($id: ID!, $amount: Int, $idempotencyKey: String) {
      refundPayment(id: $id, amount: $amount, idempotencyKey: $idempotencyKey) {
        ...PaymentTransactionFields
      }
    }
  `,
  [PaymentTransactionFields],
);
const ListTransactions = graphql(
  `
    query SerebroListPaymentTransactions($filter: PaymentTransactionFilter, $limit: Int, $offset: Int) {
      paymentTransactions(filter: $filter, limit: $limit, offset: $offset) {
        items {
          ...PaymentTransactionFields
        }
        total
      }
    }
  `,
  [PaymentTransactionFields],
);
const GetTransaction = graphql(
  `
    query SerebroGetPaymentTransaction($id: ID!) {
      paymentTransaction(id: $id) {
        ...PaymentTransactionFields
      }
    }
  `,
  [PaymentTransactionFields],
);
const GetConnection = graphql(
  `
    query SerebroGetPaymentConnection($provider: String!) {
      paymentConnection(provider: $provider) {
        ...PaymentConnectionFields
      }
    }
  `,
  [PaymentConnectionFields],
);
const ConnectStripe = graphql(
  `
    mutation SerebroConnectStripe($input: PaymentKeysInput!) {
      connectStripe(input: $input) {
        ...PaymentConnectionFields
      }
    }
  `,
  [PaymentConnectionFields],
);
const CreateCustomProvider = graphql(
  `
    mutation SerebroCreateCustomPaymentProvider($input: CustomPaymentProviderInput!) {
      createCustomPaymentProvider(input: $input) {
        ...PaymentConnectionFields
      }
    }
  `,
  [PaymentConnectionFields],
);
const ConnectCustomProvider = graphql(
  `
    mutation SerebroConnectCustomPaymentProvider($input: PaymentKeysInput!) {
      connectCustomPaymentProvider(input: $input) {
        ...PaymentConnectionFields
      }
    }
  `,
  [PaymentConnectionFields],
);
const Disconnect = graphql(`
  mutation SerebroDisconnectPaymentProvider($provider: String!) {
    disconnectPaymentProvider(provider: $provider)
  }
`);

const intentParams = z.object({ id });
const success = z.object({ success: z.literal(true) });

const createBody = z.object({
  locationId,
  contactId: id,
  amount: z.number().int().describe('minor units (cents), 1..99999999'),
  currency: z.string().describe('ISO 4217, e.g. USD'),
  description: z.string().nullable().optional(),
  metadata: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .nullable()
    .optional(),
  provider: z.enum(['stripe', 'custom']).optional().describe("default: the location's only connection"),
  liveMode: z.boolean().optional().describe('live keys when true; test (sandbox) keys otherwise (default)'),
  opportunityId: id.nullable().optional(),
  appointmentId: id.nullable().optional(),
  returnUrl: z
    .string()
    .nullable()
    .optional()
    .describe("an http(s) URL, or a path resolved against the location's base URL"),
});

const stripeKeys = z.object({
  secretKey: z.string().describe('sk_test_… for test, sk_live_… for live'),
  publishableKey: z.string().optional(),
  webhookSecret: z
    .string()
    .describe("the endpoint's signing secret (whsec_…) from Stripe's dashboard, for `webhookUrl`"),
});
const customKeys = z.object({
  apiKey: z.string().describe('what Serebro sends the provider (body `apiKey` and bearer token)'),
  publishableKey: z.string().optional(),
});

const connectionResponse = (status: number, description: string) => ({
  status,
  description,
  schema: paymentConnectionSchema,
});

export const paymentsRoutes = [
  // ---- intents and transactions -------------------------------------------------------------------
  route.operation({
    method: 'POST',
    path: '/payments/intents',
    section: 'payments',
    summary: 'Create a payment intent',
    description:
      "A payment intent at the location's provider (Stripe or its custom provider) for one of its contacts, optionally for an opportunity or appointment; `amount` in minor units. Stripe's `clientSecret` is in this answer only." +
      keyNote,
    beyondSpec: beyond('create payment intents'),
    ...write,
    request: { body: createBody },
    operation: IntentCreated,
    variables: ({ body: { locationId: _locationId, ...input }, headers }) => ({
      input,
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: {
      status: 201,
      description: 'The intent, `requires_confirmation`',
      schema: createdIntentSchema,
      body: (data) => createdIntentToRest(data.createPaymentIntent),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/payments/intents/{id}/confirm',
    section: 'payments',
    summary: 'Confirm a payment intent',
    description:
      "Confirms at the provider (Stripe: `paymentMethod`, e.g. `pm_card_visa`). The intent is `processing` until the provider's webhook (or the reconciliation) reports it succeeded or failed; a failed one may be confirmed again." +
      keyNote,
    beyondSpec: beyond('confirm transactions'),
    ...write,
    request: {
      params: intentParams,
      body: z.object({ locationId, paymentMethod: z.string().optional(), returnUrl: z.string().optional() }),
    },
    operation: ConfirmIntent,
    variables: ({ params, body, headers }) => ({
      id: params.id,
      input: { paymentMethod: body.paymentMethod, returnUrl: body.returnUrl },
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: {
      status: 200,
      description: 'The intent as it is now',
      schema: paymentTransactionSchema,
      body: (data) => paymentTransactionToRest(data.confirmPaymentIntent),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/payments/intents/{id}/cancel',
    section: 'payments',
    summary: 'Cancel a payment intent',
    description:
      'Cancels an intent that has not succeeded, at the provider too; a succeeded one is 409 (refund it).' +
      keyNote,
    beyondSpec: beyond('cancel a payment intent (Stripe’s verb)'),
    ...write,
    request: { params: intentParams, body: z.object({ locationId, reason: z.string().optional() }) },
    operation: CancelIntent,
    variables: ({ params, body, headers }) => ({
      id: params.id,
      reason: body.reason,
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: {
      status: 200,
      description: 'The intent, canceled',
      schema: paymentTransactionSchema,
      body: (data) => paymentTransactionToRest(data.cancelPaymentIntent),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/payments/intents/{id}/refund',
    section: 'payments',
    summary: 'Refund a payment',
    description:
      'Refunds a succeeded payment: all that is left without `amount`, or `amount` minor units; never more than captured less refunded and pending refunds (400 on `amount`).' +
      keyNote,
    beyondSpec: beyond('refund flows'),
    ...write,
    request: { params: intentParams, body: z.object({ locationId, amount: z.number().int().optional() }) },
    operation: RefundPayment,
    variables: ({ params, body, headers }) => ({
      id: params.id,
      amount: body.amount,
      idempotencyKey: idempotencyKeyOf(headers),
    }),
    response: {
      status: 200,
      description: 'The payment with its refunded amount',
      schema: paymentTransactionSchema,
      body: (data) => paymentTransactionToRest(data.refundPayment),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/payments/transactions',
    section: 'payments',
    summary: 'List transactions',
    description:
      "HighLevel's List Transactions: the location's payment intents, newest first, `limit` 1-100 (default 10) from `offset`, filtered by contact, entity (opportunity or appointment), `paymentMode` (live/test), status and creation time.",
    beyondSpec: beyond("list transactions (HighLevel's GET /payments/transactions)"),
    highLevel: true,
    ...read,
    request: {
      query: z.object({
        locationId,
        altId: id.optional().describe("HighLevel's name of the location"),
        altType: z.literal('location').optional(),
        contactId: id.optional(),
        entityId: id.optional(),
        paymentMode: z.string().optional().describe('live or test'),
        status: z.string().optional(),
        startAt: z.string().optional().describe('ISO 8601'),
        endAt: z.string().optional().describe('ISO 8601'),
        limit: count.optional(),
        offset: count.optional(),
      }),
    },
    operation: ListTransactions,
    variables: ({ query }) => ({
      filter: {
        contactId: query.contactId,
        entityId: query.entityId,
        paymentMode: query.paymentMode,
        status: query.status,
        startAt: query.startAt,
        endAt: query.endAt,
      },
      limit: query.limit,
      offset: query.offset,
    }),
    response: {
      status: 200,
      description: "HighLevel's {data, totalCount}",
      schema: z.object({ data: z.array(paymentTransactionSchema), totalCount: z.number().int() }),
      body: (data) => ({
        data: data.paymentTransactions.items.map(paymentTransactionToRest),
        totalCount: data.paymentTransactions.total,
      }),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/payments/transactions/{id}',
    section: 'payments',
    summary: 'Get a transaction',
    description:
      "HighLevel's Get Transaction: one payment intent of the location (another location's is 404).",
    beyondSpec: beyond("get a transaction (HighLevel's GET /payments/transactions/{transactionId})"),
    highLevel: true,
    ...read,
    request: {
      params: intentParams,
      query: z.object({ locationId, altId: id.optional(), altType: z.literal('location').optional() }),
    },
    operation: GetTransaction,
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The transaction',
      schema: paymentTransactionSchema,
      body: (data) => paymentTransactionToRest(data.paymentTransaction),
    },
  }),

  // ---- connections ----------------------------------------------------------------------------------
  route.operation({
    method: 'POST',
    path: '/payments/stripe/connect',
    section: 'payments',
    summary: 'Connect Stripe',
    description:
      "Connects the location's Stripe account, or replaces a mode's keys: `test` (the sandbox) and `live`, each its secret key and the signing secret of the webhook endpoint made in Stripe's dashboard for `webhookUrl`. Keys are sealed and answered masked.",
    beyondSpec: beyond(
      'connect Stripe (HighLevel connects it by OAuth; an integration here brings its keys)',
    ),
    ...write,
    request: { body: z.object({ locationId, test: stripeKeys.optional(), live: stripeKeys.optional() }) },
    operation: ConnectStripe,
    variables: ({ body }) => ({ input: { test: body.test, live: body.live } }),
    response: {
      ...connectionResponse(200, 'The Stripe connection, keys masked'),
      body: (data) => paymentConnectionToRest(data.connectStripe),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/payments/stripe/connect',
    section: 'payments',
    summary: 'Get the Stripe connection',
    description: "The location's Stripe connection, keys masked (404 when there is none).",
    beyondSpec: beyond('read the Stripe connection'),
    ...read,
    request: { query: z.object({ locationId }) },
    operation: GetConnection,
    variables: () => ({ provider: 'stripe' }),
    response: {
      ...connectionResponse(200, 'The Stripe connection'),
      body: (data) => paymentConnectionToRest(data.paymentConnection),
    },
  }),
  route.operation({
    method: 'DELETE',
    path: '/payments/stripe/connect',
    section: 'payments',
    summary: 'Disconnect Stripe',
    description: 'No new intents through Stripe; its transactions stay readable; its reconciliation stops.',
    beyondSpec: beyond('disconnect Stripe'),
    ...write,
    request: { query: z.object({ locationId }) },
    operation: Disconnect,
    variables: () => ({ provider: 'stripe' }),
    response: {
      status: 200,
      description: 'Disconnected',
      schema: success,
      body: () => ({ success: true as const }),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/payments/custom-provider/provider',
    section: 'payments',
    summary: 'Create a custom provider integration',
    description:
      "HighLevel's Create new integration: the location's own processor, its payment page (`paymentsUrl`) and the endpoint Serebro calls (`queryUrl`: `create_payment`, `confirm_payment`, `cancel_payment`, `refund`, `list_payments`). One per location (409).",
    beyondSpec: beyond("HighLevel's custom provider (POST /payments/custom-provider/provider)"),
    highLevel: true,
    ...write,
    request: {
      body: z.object({
        locationId,
        name: z.string(),
        description: z.string().nullable().optional(),
        paymentsUrl: z.string(),
        queryUrl: z.string(),
        imageUrl: z.string().nullable().optional(),
      }),
    },
    operation: CreateCustomProvider,
    variables: ({ body: { locationId: _locationId, ...input } }) => ({ input }),
    response: {
      ...connectionResponse(201, 'The integration'),
      body: (data) => paymentConnectionToRest(data.createCustomPaymentProvider),
    },
  }),
  route.operation({
    method: 'DELETE',
    path: '/payments/custom-provider/provider',
    section: 'payments',
    summary: 'Delete the custom provider integration',
    description:
      "HighLevel's Deleting an existing integration: no new intents; its transactions stay readable.",
    beyondSpec: beyond("HighLevel's custom provider (DELETE /payments/custom-provider/provider)"),
    highLevel: true,
    ...write,
    request: { query: z.object({ locationId }) },
    operation: Disconnect,
    variables: () => ({ provider: 'custom' }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: success,
      body: () => ({ success: true as const }),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/payments/custom-provider/connect',
    section: 'payments',
    summary: 'Connect the custom provider',
    description:
      "HighLevel's Create new provider config: each mode's `apiKey` and `publishableKey` (`test` is the sandbox). Answers a fresh webhook signing secret per mode set (`webhookSecrets`, shown this once): sign the webhooks to `webhookUrl` with it.",
    beyondSpec: beyond("HighLevel's custom provider (POST /payments/custom-provider/connect)"),
    highLevel: true,
    ...write,
    request: { body: z.object({ locationId, test: customKeys.optional(), live: customKeys.optional() }) },
    operation: ConnectCustomProvider,
    variables: ({ body }) => ({ input: { test: body.test, live: body.live } }),
    response: {
      ...connectionResponse(200, 'The config, keys masked, with the webhook secrets'),
      body: (data) => paymentConnectionToRest(data.connectCustomPaymentProvider),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/payments/custom-provider/connect',
    section: 'payments',
    summary: 'Get the custom provider config',
    description: "HighLevel's Fetch given provider config, keys masked (404 when there is none).",
    beyondSpec: beyond("HighLevel's custom provider (GET /payments/custom-provider/connect)"),
    highLevel: true,
    ...read,
    request: { query: z.object({ locationId }) },
    operation: GetConnection,
    variables: () => ({ provider: 'custom' }),
    response: {
      ...connectionResponse(200, 'The config'),
      body: (data) => paymentConnectionToRest(data.paymentConnection),
    },
  }),

  // ---- provider webhooks (forwards: signed raw bodies) ------------------------------------------------
  route.forward({
    method: 'POST',
    path: '/payments/stripe/webhook/{connectionId}',
    section: 'payments',
    summary: "Receive a connection's Stripe events",
    description:
      "Signed by Stripe (`Stripe-Signature`, the mode's endpoint secret; the event's `livemode` picks the mode). `payment_intent.succeeded`/`payment_failed` and `refund.*` move the intent, once per event id (a redelivery answers `duplicate: true`); other events are acknowledged.",
    beyondSpec: beyond('payment webhooks (Stripe)'),
    auth: 'none',
    rateLimit: 'api',
    forward: {
      service: 'crm',
      path: '/internal/payments/stripe/webhook/{connectionId}',
      headers: ['stripe-signature'],
    },
    response: {
      status: 200,
      description: 'Processed',
      schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
    },
    errors: [400, 404],
    bodyLimit: 1024 * 1024,
  }),
  route.forward({
    method: 'POST',
    path: '/payments/custom-provider/webhook/{connectionId}',
    section: 'payments',
    summary: "Receive the custom provider's events",
    description:
      "HighLevel's custom-provider webhook events (`payment.captured`, `payment.failed`, `payment.refunded`, `refund.failed`; `id`, `transactionId`, `chargeId`, `amount` in minor units), signed `X-Serebro-Signature: t=<unix>,v1=<hex HMAC-SHA256(webhookSecret, t + '.' + body)>`; once per event `id`.",
    beyondSpec: beyond('payment webhooks (custom provider)'),
    auth: 'none',
    rateLimit: 'api',
    forward: {
      service: 'crm',
      path: '/internal/payments/custom-provider/webhook/{connectionId}',
      headers: ['x-serebro-signature'],
    },
    response: {
      status: 200,
      description: 'Processed',
      schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
    },
    errors: [400, 404],
    bodyLimit: 1024 * 1024,
  }),
];
