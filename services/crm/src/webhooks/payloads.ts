import type { ConsumedEvent } from '@seren/event-store';

// Webhook bodies are a registry by crm event type: each feature maps its own events to HighLevel's
// webhook bodies (records here in records-payloads.ts; payments from src/payments/webhook-payloads.ts,
// workflow executions from src/automation/webhook-payloads.ts) and registry.ts spreads the maps in.
// A body names its HighLevel type and location; the delivery adds `webhookId` (the delivery's id,
// the same on every retry, for the receiver's dedupe) and `timestamp` (when the event happened, ISO 8601).

/** One HighLevel webhook body before sending: `type` (e.g. ContactCreate) and `locationId`, then the type's fields. */
export interface WebhookBody {
  type: string;
  locationId: string;
  [field: string]: unknown;
}

/** A feature's mapping from its event types to the webhook bodies they send (undefined or []: none). */
export type WebhookPayloads = {
  [eventType: string]: (event: ConsumedEvent) => WebhookBody | WebhookBody[] | undefined;
};

/** What a subscriber may list in `events`: each feature exports the HighLevel types its map produces. */
export type WebhookTypes = readonly string[];
