import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { WebhookInput } from './decide.js';
import type { WebhookView } from './queries.js';
import { webhookTypes } from './registry.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  getWebhookDelivery,
  listWebhookDeliveries,
  listWebhooks,
  redeliverWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
  webhookPublicKey,
  type WebhookDeliveryView,
} from './service.js';

interface GraphQLWebhookInput extends Omit<WebhookInput, 'headers'> {
  headers?: Array<{ name: string; value: string }> | null;
}

/** GraphQL's header list as the service's record (null clears them, absent leaves them). */
const inputOf = ({ headers, ...rest }: GraphQLWebhookInput): WebhookInput => ({
  ...rest,
  ...(headers === undefined
    ? {}
    : { headers: headers === null ? null : Object.fromEntries(headers.map((h) => [h.name, h.value])) }),
});

const deliveryToGraph = (d: WebhookDeliveryView) => ({
  id: d.id,
  webhookId: d.receiverId,
  eventId: d.eventId,
  eventType: d.eventType,
  payload: JSON.stringify(d.payload),
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
  lastStatus: d.lastStatus,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt?.toISOString() ?? null,
  createdAt: d.createdAt.toISOString(),
  attemptLog: d.attemptLog.map((a) => ({ ...a, startedAt: a.startedAt.toISOString() })),
});

export function webhooksResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      webhooks: resolver(crm, (c, request) => listWebhooks(c, request)),
      webhook: resolver(crm, (c, request, args: { id: string }) => getWebhook(c, request, args.id)),
      webhookDelivery: resolver(crm, async (c, request, args: { webhookId: string; deliveryId: string }) =>
        deliveryToGraph(await getWebhookDelivery(c, request, args.webhookId, args.deliveryId)),
      ),
      webhookSigningPublicKey: resolver(crm, async (c) => webhookPublicKey(c)),
      webhookEventTypes: resolver(crm, async () => [...webhookTypes]),
    },
    Mutation: {
      createWebhook: resolver(crm, (c, request, args: { input: GraphQLWebhookInput }) =>
        createWebhook(c, request, inputOf(args.input)),
      ),
      updateWebhook: resolver(crm, (c, request, args: { id: string; input: GraphQLWebhookInput }) =>
        updateWebhook(c, request, args.id, inputOf(args.input)),
      ),
      rotateWebhookSecret: resolver(crm, (c, request, args: { id: string }) =>
        rotateWebhookSecret(c, request, args.id),
      ),
      deleteWebhook: resolver(crm, (c, request, args: { id: string }) => deleteWebhook(c, request, args.id)),
      redeliverWebhookDelivery: resolver(
        crm,
        async (c, request, args: { webhookId: string; deliveryId: string }) =>
          deliveryToGraph(await redeliverWebhookDelivery(c, request, args.webhookId, args.deliveryId)),
      ),
    },
    Webhook: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getWebhook(crm, requestInfoOf(context), ref.id),
      deliveries: (
        webhook: WebhookView,
        args: { limit?: number | null; startAfterId?: string | null; state?: string | null },
        context: RequestContext<unknown>,
      ) =>
        listWebhookDeliveries(crm, requestInfoOf(context), webhook.id, {
          limit: args.limit,
          startAfterId: args.startAfterId,
          state: (args.state as WebhookDeliveryView['state'] | null) ?? null,
        }).then((page) => ({
          items: page.deliveries.map(deliveryToGraph),
          nextStartAfterId: page.nextStartAfterId,
        })),
    },
  };
}
