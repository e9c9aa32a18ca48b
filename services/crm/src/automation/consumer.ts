import type { ConsumerDefinition } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { paymentTriggers } from '../payments/triggers.js';
import { recordTriggers, recordTriggerTopics } from './record-triggers.js';
import { startTriggeredExecutions } from './service.js';
import type { TriggerFired, TriggerMap } from './triggers.js';

export const AUTOMATION_TRIGGERS_GROUP = 'crm.automation-triggers';

/** Every feature's triggers, by event type (payments adds payment_received from src/payments/triggers.ts). */
export const triggerRegistry: TriggerMap = { ...recordTriggers, ...paymentTriggers };
const topics = [...recordTriggerTopics, 'crm.payment'];

/**
 * Starts the workflows crm's own events trigger. Idempotent twice over: the consumer records each
 * processed event id (a redelivery is skipped), and an execution's id derives from the workflow
 * and the event, so a start that ran before a crash is refused by Temporal as a duplicate.
 */
export const automationTriggersConsumer = (
  crm: Crm,
  groupId = AUTOMATION_TRIGGERS_GROUP,
): ConsumerDefinition => ({
  groupId,
  topics,
  pollIntervalMs: 250,
  handler: async (event, { manager }) => {
    const map = triggerRegistry[event.type];
    if (!map) return;
    const result = await map(event, { query: (sql, parameters) => manager.query(sql, parameters) });
    const fired: TriggerFired[] = result === undefined ? [] : Array.isArray(result) ? result : [result];
    // a workflow runs for a contact: an event without one (a payment of no contact) starts nothing
    for (const trigger of fired)
      if (trigger.contactId) await startTriggeredExecutions(crm, trigger, event.id);
  },
});
