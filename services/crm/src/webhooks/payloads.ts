import type { ConsumedEvent } from '@seren/event-store';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';

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

/**
 * What a mapping may read besides the event: crm's own read models, in the consumer's transaction
 * (ContactUpdate sends the whole contact). Most mappings need only the event.
 */
export interface WebhookPayloadContext {
  crm: Crm;
  manager: EntityManager;
}

type Bodies = WebhookBody | WebhookBody[] | undefined;

/** A feature's mapping from its event types to the webhook bodies they send (undefined or []: none). */
export type WebhookPayloads = {
  [eventType: string]: (event: ConsumedEvent, context: WebhookPayloadContext) => Bodies | Promise<Bodies>;
};

/** What a subscriber may list in `events`: each feature exports the HighLevel types its map produces. */
export type WebhookTypes = readonly string[];
