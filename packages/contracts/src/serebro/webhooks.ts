import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's webhook subscriptions (the crm service, spec §4.1): a location's receivers of HighLevel's
// webhook bodies. No event carries a secret: the signing secret is named by `secretId` (sealed under
// crm's keyring in crm's `webhook_signing_secrets`), custom headers travel by name only (their values
// may be credentials; sealed beside the subscription).
//
// Stream `webhook-<id>` (aggregate webhook), topic `crm.webhook`.

const id = z.string().min(1);
const at = z.iso.datetime();
const method = z.enum(['POST', 'GET']);

export const WebhookSubscriptionCreated = defineEvent({
  type: 'WebhookSubscriptionCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'webhook',
  description:
    "A location subscribed a URL to webhook events (HighLevel's type names, e.g. ContactCreate); its signing secret was shown once and is named by secretId.",
  schema: z.object({
    webhookId: id,
    locationId: id,
    name: z.string().nullable(),
    url: z.string().url(),
    method,
    events: z.array(z.string().min(1)).min(1),
    headerNames: z.array(z.string()),
    enabled: z.boolean(),
    secretId: id,
    createdBy: id.nullable(),
    createdAt: at,
  }),
});

export const WebhookSubscriptionUpdated = defineEvent({
  type: 'WebhookSubscriptionUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'webhook',
  description:
    'A subscription changed its name, URL, method, events, custom headers (by name) or was enabled or disabled by hand (absent: unchanged).',
  schema: z.object({
    webhookId: id,
    locationId: id,
    name: z.string().nullable().optional(),
    url: z.string().url().optional(),
    method: method.optional(),
    events: z.array(z.string().min(1)).min(1).optional(),
    headerNames: z.array(z.string()).optional(),
    enabled: z.boolean().optional(),
    updatedBy: id.nullable(),
    updatedAt: at,
  }),
});

export const WebhookSigningSecretRotated = defineEvent({
  type: 'WebhookSigningSecretRotated',
  version: 1,
  domain: 'crm',
  aggregate: 'webhook',
  description:
    'A new signing secret (shown once) replaced the current one; until previousSecretExpiresAt every delivery carries a signature with each (the overlap).',
  schema: z.object({
    webhookId: id,
    locationId: id,
    secretId: id,
    previousSecretId: id,
    previousSecretExpiresAt: at,
    rotatedBy: id.nullable(),
    rotatedAt: at,
  }),
});

export const WebhookSubscriptionDisabled = defineEvent({
  type: 'WebhookSubscriptionDisabled',
  version: 1,
  domain: 'crm',
  aggregate: 'webhook',
  description:
    'The delivery engine disabled a receiver that kept failing: consecutiveFailures deliveries in a row ended undelivered (failed after the whole retry schedule, or rejected).',
  schema: z.object({
    webhookId: id,
    locationId: id,
    reason: z.literal('consecutive_failures'),
    consecutiveFailures: z.number().int().positive(),
    disabledAt: at,
  }),
});

export const WebhookSubscriptionDeleted = defineEvent({
  type: 'WebhookSubscriptionDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'webhook',
  description: 'A subscription was deleted: nothing more is sent to it (deliveries pending are dropped).',
  schema: z.object({ webhookId: id, locationId: id, deletedBy: id.nullable(), deletedAt: at }),
});

export const serebroWebhookEvents = [
  WebhookSubscriptionCreated,
  WebhookSubscriptionUpdated,
  WebhookSigningSecretRotated,
  WebhookSubscriptionDisabled,
  WebhookSubscriptionDeleted,
] as const;
