import type { ConsumedEvent } from '@seren/event-store';

// Trigger matching is a registry by event type: each feature maps its own events to the trigger a
// workflow starts on (contacts, appointments and opportunities here; payments adds
// `payment_received` from src/payments/triggers.ts) and the automation consumer spreads the maps in.

export const triggerTypes = [
  'contact_created',
  'contact_updated',
  'contact_tag_added',
  'appointment_booked',
  'appointment_cancelled',
  'opportunity_stage_changed',
  'opportunity_status_changed',
  'payment_received',
  'inbound_webhook',
  'manual',
] as const;
export type TriggerType = (typeof triggerTypes)[number];

/** What one event means for workflows: which trigger fired, in which location, for which contact. */
export interface TriggerFired {
  trigger: TriggerType;
  locationId: string;
  contactId: string;
  /**
   * What the trigger's filters match and steps template from (`{{trigger.tag}}`,
   * `{{trigger.pipelineStageId}}`): flat, JSON-safe, never a secret.
   */
  data: Record<string, unknown>;
}

/**
 * A feature's mapping from its event types to the trigger they fire (undefined: none). A mapping
 * may read crm's read models through `context` (an opportunity's stage change names no contact:
 * the opportunity's row does) and so may answer a promise.
 */
export type TriggerMap = {
  [eventType: string]: (
    event: ConsumedEvent,
    context: TriggerContext,
  ) => TriggerFired | TriggerFired[] | undefined | Promise<TriggerFired | TriggerFired[] | undefined>;
};

/** What a mapping may read: crm's database, in the consumer's transaction. */
export interface TriggerContext {
  query: (sql: string, parameters: unknown[]) => Promise<unknown[]>;
}
