import { workflowExecutionPayloads, workflowExecutionWebhookTypes } from '../automation/webhook-payloads.js';
import { paymentWebhookPayloads } from '../payments/webhook-payloads.js';
import type { WebhookPayloads, WebhookTypes } from './payloads.js';
import { recordWebhookPayloads, recordWebhookTypes } from './records-payloads.js';

// Every feature's map from its events to HighLevel webhook bodies. A feature adds its own here:
// one import line, one spread in each list.

export const webhookPayloads: WebhookPayloads = {
  ...recordWebhookPayloads,
  ...workflowExecutionPayloads,
  ...paymentWebhookPayloads,
};

/** What a subscription may list in `events`. */
export const webhookTypes: WebhookTypes = [
  ...recordWebhookTypes,
  ...workflowExecutionWebhookTypes,
  // payments' map (src/payments/webhook-payloads.ts) sends these
  'PaymentReceived',
  'PaymentFailed',
  'PaymentRefunded',
];
