import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  WebhookDeliveryFields,
  webhookDeliverySchema,
  webhookDeliveryToRest,
  WebhookFields,
  webhookSchema,
  webhookToRest,
} from './shapes/webhook.js';

// Serebro §4.1 Workflow Webhooks: a location's webhook subscriptions, on v1 and v2. The spec names no
// paths and HighLevel configures webhooks in its app settings (no public REST API), so these are
// Serebro's, as a HighLevel integrator would guess them: `/webhooks`, `/webhooks/{webhookId}`,
// `.../rotate-secret`, `.../deliveries`, `.../deliveries/{deliveryId}/redeliver`, and
// `/webhooks/public-key` (the Ed25519 key X-GHL-Signature verifies with). Scopes `webhooks:read` /
// `webhooks:write` (HighLevel-style aliases `webhooks.readonly` / `webhooks.write`). Rules (URLs that
// point inside refused, known event types, headers) are the crm service's; every bad field in one 400.

const id = z.string().min(1);
const beyondSpec =
  "Serebro's webhook subscriptions (§4.1 names no path; HighLevel sets webhooks in its app settings)";
const shared = { section: 'webhooks', auth: 'required', rateLimit: 'api', beyondSpec } as const;
const read = { ...shared, scope: 'webhooks:read' } as const;
const write = { ...shared, scope: 'webhooks:write' } as const;
const locationQuery = { locationId: id.optional().describe('required with an agency credential') };

const headersBody = z
  .record(z.string(), z.string())
  .nullable()
  .optional()
  .describe(
    'custom headers sent with each delivery, e.g. {"Authorization": "Bearer ..."}; values are stored sealed and shown masked',
  );

const createBody = z.object({
  locationId: id.optional().describe('required with an agency credential'),
  name: z.string().nullable().optional(),
  url: z
    .string()
    .describe('http(s); must not resolve to a private, loopback, link-local or metadata address'),
  method: z
    .enum(['POST', 'GET', 'post', 'get'])
    .optional()
    .describe('POST (default, JSON body) or GET (the payload as query)'),
  events: z
    .array(z.string())
    .describe(
      "HighLevel's webhook types: ContactCreate, ContactUpdate, ContactDelete, ContactTagUpdate, OpportunityCreate, OpportunityUpdate, OpportunityStageUpdate, OpportunityStatusUpdate, OpportunityDelete, AppointmentCreate, AppointmentUpdate, AppointmentDelete, INSTALL, UNINSTALL, ...",
    ),
  headers: headersBody,
  enabled: z.boolean().optional(),
});
const updateBody = createBody.partial();

const headerList = (headers: Record<string, string> | null | undefined) =>
  headers === undefined
    ? undefined
    : headers === null
      ? null
      : Object.entries(headers).map(([name, value]) => ({ name, value }));

const inputOf = ({ locationId: _l, headers, method, ...rest }: z.output<typeof updateBody>) => ({
  ...rest,
  ...(method === undefined ? {} : { method: method.toUpperCase() }),
  ...(headers === undefined ? {} : { headers: headerList(headers) }),
});

const webhookResponse = z.object({ webhook: webhookSchema });
const withSecret = z.object({
  webhook: webhookSchema,
  secret: z.string().describe('the HMAC signing secret (X-Serebro-Signature), shown this once'),
});

const CreateWebhook = graphql(
  `
    mutation SerebroCreateWebhook($input: WebhookInput!) {
      createWebhook(input: $input) {
        secret
        webhook {
          ...WebhookFields
        }
      }
    }
  `,
  [WebhookFields],
);
const ListWebhooks = graphql(
  `
    query SerebroListWebhooks {
      webhooks {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);
const GetWebhook = graphql(
  `
    query SerebroGetWebhook($id: ID!) {
      webhook(id: $id) {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);
const UpdateWebhook = graphql(
  `
    mutation SerebroUpdateWebhook($id: ID!, $input: WebhookInput!) {
      updateWebhook(id: $id, input: $input) {
        ...WebhookFields
      }
    }
  `,
  [WebhookFields],
);
const DeleteWebhook = graphql(`
  mutation SerebroDeleteWebhook($id: ID!) {
    deleteWebhook(id: $id)
  }
`);
const RotateWebhookSecret = graphql(
  `
    mutation SerebroRotateWebhookSecret($id: ID!) {
      rotateWebhookSecret(id: $id) {
        secret
        webhook {
          ...WebhookFields
        }
      }
    }
  `,
  [WebhookFields],
);
const ListWebhookDeliveries = graphql(
  `
    query SerebroListWebhookDeliveries($id: ID!, $limit: Int, $startAfterId: ID, $state: String) {
      webhook(id: $id) {
        deliveries(limit: $limit, startAfterId: $startAfterId, state: $state) {
          items {
            ...WebhookDeliveryFields
          }
          nextStartAfterId
        }
      }
    }
  `,
  [WebhookDeliveryFields],
);
const GetWebhookDelivery = graphql(
  `
    query SerebroGetWebhookDelivery($webhookId: ID!, $deliveryId: ID!) {
      webhookDelivery(webhookId: $webhookId, deliveryId: $deliveryId) {
        ...WebhookDeliveryFields
      }
    }
  `,
  [WebhookDeliveryFields],
);
const RedeliverWebhookDelivery = graphql(
  `
    mutation SerebroRedeliverWebhookDelivery($webhookId: ID!, $deliveryId: ID!) {
      redeliverWebhookDelivery(webhookId: $webhookId, deliveryId: $deliveryId) {
        ...WebhookDeliveryFields
      }
    }
  `,
  [WebhookDeliveryFields],
);
const WebhookPublicKey = graphql(`
  query SerebroWebhookPublicKey {
    webhookSigningPublicKey
    webhookEventTypes
  }
`);

const webhookParams = z.object({ webhookId: id });
const deliveryParams = z.object({ webhookId: id, deliveryId: id });

export const webhooksRoutes = [
  route.operation({
    method: 'GET',
    path: '/webhooks',
    summary: 'List webhook subscriptions',
    description:
      "The location's webhook subscriptions, newest first. Header values are masked; the signing secret is never shown again.",
    ...read,
    request: { query: z.object(locationQuery) },
    operation: ListWebhooks,
    variables: () => ({}),
    response: {
      status: 200,
      description: 'The subscriptions',
      schema: z.object({ webhooks: z.array(webhookSchema) }),
      body: (data) => ({ webhooks: data.webhooks.map(webhookToRest) }),
    },
    errors: [403],
  }),
  route.operation({
    method: 'POST',
    path: '/webhooks',
    summary: 'Create a webhook subscription',
    description:
      'Subscribes a URL to webhook events of the location. Answers the signing secret once. Each delivery is signed: `X-Serebro-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` and `X-GHL-Signature` (Ed25519 over the body, key at `GET /webhooks/public-key`); retried with backoff for about 24 h on network errors, timeouts, 429 and 5xx.',
    ...write,
    request: { body: createBody },
    operation: CreateWebhook,
    variables: ({ body }) => ({ input: inputOf(body) }),
    response: {
      status: 201,
      description: 'The subscription and its signing secret (shown once)',
      schema: withSecret,
      body: (data) => ({
        webhook: webhookToRest(data.createWebhook.webhook),
        secret: data.createWebhook.secret,
      }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/webhooks/public-key',
    summary: 'Get the webhook signing public key',
    description:
      "The Ed25519 public key (PEM) that verifies `X-GHL-Signature`, as HighLevel's SDK takes it (`WebhookManager.verifyEd25519Signature(body, signature, publicKey)`), and the event types a subscription may list.",
    ...read,
    request: { query: z.object(locationQuery) },
    operation: WebhookPublicKey,
    variables: () => ({}),
    response: {
      status: 200,
      description: 'The public key and the event types',
      schema: z.object({ publicKey: z.string(), events: z.array(z.string()) }),
      body: (data) => ({ publicKey: data.webhookSigningPublicKey, events: data.webhookEventTypes }),
    },
    errors: [403],
  }),
  route.operation({
    method: 'GET',
    path: '/webhooks/{webhookId}',
    summary: 'Get a webhook subscription',
    description: 'One subscription of the location (another location’s is 404).',
    ...read,
    request: { params: webhookParams, query: z.object(locationQuery) },
    operation: GetWebhook,
    variables: ({ params }) => ({ id: params.webhookId }),
    response: {
      status: 200,
      description: 'The subscription',
      schema: webhookResponse,
      body: (data) => ({ webhook: webhookToRest(data.webhook) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/webhooks/{webhookId}',
    summary: 'Update a webhook subscription',
    description:
      'Changes the fields given (absent: unchanged); `headers` replaces every custom header; `enabled: true` enables a subscription the engine disabled and starts its failure count afresh.',
    ...write,
    request: { params: webhookParams, body: updateBody },
    operation: UpdateWebhook,
    variables: ({ params, body }) => ({ id: params.webhookId, input: inputOf(body) }),
    response: {
      status: 200,
      description: 'The subscription as it is now',
      schema: webhookResponse,
      body: (data) => ({ webhook: webhookToRest(data.updateWebhook) }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/webhooks/{webhookId}',
    summary: 'Delete a webhook subscription',
    description: 'Nothing more is sent to it; deliveries still pending are dropped.',
    ...write,
    request: { params: webhookParams, query: z.object(locationQuery) },
    operation: DeleteWebhook,
    variables: ({ params }) => ({ id: params.webhookId }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: z.object({ succeded: z.literal(true).describe("HighLevel's spelling, kept for its clients") }),
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'POST',
    path: '/webhooks/{webhookId}/rotate-secret',
    summary: 'Rotate the signing secret',
    description:
      'A new signing secret, shown once. For 24 h both secrets sign every delivery (two `v1=` in X-Serebro-Signature, the new first), so a receiver switches without losing one.',
    ...write,
    request: { params: webhookParams, query: z.object(locationQuery) },
    operation: RotateWebhookSecret,
    variables: ({ params }) => ({ id: params.webhookId }),
    response: {
      status: 200,
      description: 'The subscription and its new secret (shown once)',
      schema: withSecret,
      body: (data) => ({
        webhook: webhookToRest(data.rotateWebhookSecret.webhook),
        secret: data.rotateWebhookSecret.secret,
      }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/webhooks/{webhookId}/deliveries',
    summary: 'List the deliveries of a webhook subscription',
    description:
      'Newest first, each with every attempt (status, duration, outcome, the answer’s first 1,024 bytes). Cursor: `startAfterId` = the previous page’s `meta.startAfterId`; `limit` ≤ 100 (default 20); `status` filters.',
    ...read,
    request: {
      params: webhookParams,
      query: z.object({
        ...locationQuery,
        limit: z.coerce.number().int().optional(),
        startAfterId: id.optional(),
        status: z.enum(['pending', 'sending', 'delivered', 'failed', 'rejected']).optional(),
      }),
    },
    operation: ListWebhookDeliveries,
    variables: ({ params, query }) => ({
      id: params.webhookId,
      limit: query.limit,
      startAfterId: query.startAfterId,
      state: query.status,
    }),
    response: {
      status: 200,
      description: 'A page of deliveries',
      schema: z.object({
        deliveries: z.array(webhookDeliverySchema),
        meta: z.object({
          startAfterId: z.string().nullable().describe("the next page's cursor; null on the last page"),
        }),
      }),
      body: (data) => ({
        deliveries: data.webhook.deliveries.items.map(webhookDeliveryToRest),
        meta: { startAfterId: data.webhook.deliveries.nextStartAfterId ?? null },
      }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/webhooks/{webhookId}/deliveries/{deliveryId}',
    summary: 'Get a delivery',
    description: 'One delivery with every attempt.',
    ...read,
    request: { params: deliveryParams, query: z.object(locationQuery) },
    operation: GetWebhookDelivery,
    variables: ({ params }) => ({ webhookId: params.webhookId, deliveryId: params.deliveryId }),
    response: {
      status: 200,
      description: 'The delivery',
      schema: z.object({ delivery: webhookDeliverySchema }),
      body: (data) => ({ delivery: webhookDeliveryToRest(data.webhookDelivery) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'POST',
    path: '/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver',
    summary: 'Redeliver a delivery',
    description:
      'Sends it again now, whatever its state (a fresh 24 h of retries; its earlier attempts stay in the log). 409 while it is being sent.',
    ...write,
    request: { params: deliveryParams, query: z.object(locationQuery) },
    operation: RedeliverWebhookDelivery,
    variables: ({ params }) => ({ webhookId: params.webhookId, deliveryId: params.deliveryId }),
    response: {
      status: 202,
      description: 'Queued: the delivery as it is now',
      schema: z.object({ delivery: webhookDeliverySchema }),
      body: (data) => ({ delivery: webhookDeliveryToRest(data.redeliverWebhookDelivery) }),
    },
    errors: [403, 404, 409],
  }),
];
