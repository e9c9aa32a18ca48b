import type { WebhookPayloads, WebhookTypes } from './payloads.js';
import { recordWebhookPayloads, recordWebhookTypes } from './records-payloads.js';

// Every feature's map from its events to HighLevel webhook bodies. A feature adds its own here:
// one import line, one spread in each list (payments: src/payments/webhook-payloads.ts, workflow
// executions: src/automation/webhook-payloads.ts).

export const webhookPayloads: WebhookPayloads = {
  ...recordWebhookPayloads,
};

/** What a subscription may list in `events`. */
export const webhookTypes: WebhookTypes = [...recordWebhookTypes];
