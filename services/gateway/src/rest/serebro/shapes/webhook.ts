import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// A location's webhook subscription and its deliveries. HighLevel configures webhooks in its app
// settings and has no REST body for them; these are Serebro's, in HighLevel's style (camelCase,
// `{webhook}`, `{webhooks}`, `{succeded: true}`).

export const WebhookFields = graphql(`
  fragment WebhookFields on Webhook {
    id
    locationId
    name
    url
    method
    events
    headers {
      name
      value
    }
    enabled
    disabledReason
    createdAt
    updatedAt
  }
`);

export const webhookSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string().nullable(),
  url: z.string(),
  method: z.enum(['POST', 'GET']),
  events: z.array(z.string()).describe("HighLevel's webhook types, e.g. ContactCreate"),
  headers: z
    .array(z.object({ name: z.string(), value: z.string().describe('masked') }))
    .describe('custom headers sent with each delivery; values masked'),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('consecutive_failures when the engine disabled it'),
  dateAdded: z.string(),
  dateUpdated: z.string(),
});

export function webhookToRest(ref: FragmentOf<typeof WebhookFields>): z.input<typeof webhookSchema> {
  const w = readFragment(WebhookFields, ref);
  return {
    id: w.id,
    locationId: w.locationId,
    name: w.name ?? null,
    url: w.url,
    method: w.method as 'POST' | 'GET',
    events: w.events,
    headers: w.headers.map((h) => ({ name: h.name, value: h.value })),
    enabled: w.enabled,
    disabledReason: w.disabledReason ?? null,
    dateAdded: w.createdAt,
    dateUpdated: w.updatedAt,
  };
}

export const WebhookDeliveryFields = graphql(`
  fragment WebhookDeliveryFields on WebhookDelivery {
    id
    webhookId
    eventId
    eventType
    payload
    state
    attempts
    nextAttemptAt
    lastStatus
    lastError
    deliveredAt
    createdAt
    attemptLog {
      number
      startedAt
      durationMs
      outcome
      status
      error
      responseExcerpt
    }
  }
`);

export const webhookDeliverySchema = z.object({
  id: z.string().describe('also the body’s webhookId and the X-Webhook-Delivery-Id header'),
  webhookId: z.string(),
  eventType: z.string(),
  payload: z.record(z.string(), z.unknown()).describe('the body as sent'),
  status: z.enum(['pending', 'sending', 'delivered', 'failed', 'rejected']),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  dateAdded: z.string(),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      startedAt: z.string(),
      durationMs: z.number().int(),
      outcome: z.enum(['delivered', 'retry', 'rejected', 'failed']),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      responseExcerpt: z.string().nullable().describe("the answer's first 1,024 bytes"),
    }),
  ),
});

export function webhookDeliveryToRest(
  ref: FragmentOf<typeof WebhookDeliveryFields>,
): z.input<typeof webhookDeliverySchema> {
  const d = readFragment(WebhookDeliveryFields, ref);
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventType: d.eventType,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    status: d.state as z.input<typeof webhookDeliverySchema>['status'],
    attempts: d.attempts,
    nextAttemptAt: d.nextAttemptAt ?? null,
    lastStatusCode: d.lastStatus ?? null,
    lastError: d.lastError ?? null,
    deliveredAt: d.deliveredAt ?? null,
    dateAdded: d.createdAt,
    attemptLog: d.attemptLog.map((a) => ({
      attempt: a.number,
      startedAt: a.startedAt,
      durationMs: a.durationMs,
      outcome: a.outcome as 'delivered' | 'retry' | 'rejected' | 'failed',
      statusCode: a.status ?? null,
      error: a.error ?? null,
      responseExcerpt: a.responseExcerpt ?? null,
    })),
  };
}
