import { attemptDelivery, signedRequest, type AttemptResult, type WebhookMethod } from '@seren/webhooks';
import type { Crm } from '../application.js';
import { webhookRuntimeOf } from './runtime.js';

export interface WebhookToSend {
  url: string;
  method?: WebhookMethod;
  headers?: Record<string, string>;
  /** the JSON body (GET: its top-level fields become the query) */
  body: unknown;
  /** an HMAC secret to sign with (`X-Serebro-Signature`); without one only X-GHL-Signature is sent */
  secret?: string;
  timeoutMs?: number;
}

/**
 * Sends one signed webhook to a URL, once (the workflow "send webhook" step; its activity retries):
 * Ed25519 `X-GHL-Signature` always, the HMAC header when a secret is given, through the outbound
 * guard (private addresses refused at connect time unless OUTBOUND_ALLOW_PRIVATE permits them, no
 * redirect followed, a timeout). Never throws: the outcome says delivered / retry / rejected.
 */
export async function sendWebhook(crm: Crm, webhook: WebhookToSend): Promise<AttemptResult> {
  const runtime = webhookRuntimeOf(crm);
  const request = signedRequest(
    {
      url: webhook.url,
      method: webhook.method ?? 'POST',
      headers: webhook.headers ?? {},
      secrets: webhook.secret ? [webhook.secret] : [],
    },
    webhook.body,
    runtime.keys,
    crm.now(),
  );
  return attemptDelivery(request, crm.settings.outbound, {
    timeoutMs: webhook.timeoutMs ?? runtime.timeoutMs,
  });
}
