import { contractOf, topicFor } from '@seren/contracts';
import type { ConsumedEvent } from '@seren/event-store';
import type { ConsumerDefinition, Platform } from '@seren/service-kit';
import {
  DeliveryWorker,
  enqueueDeliveries,
  purgeFinishedDeliveries,
  webhookTables,
  type DeliveryToEnqueue,
} from '@seren/webhooks';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Crm } from '../application.js';
import { handle } from '@seren/service-kit';
import { webhookDecider } from './decide.js';
import type { WebhookBody, WebhookPayloadContext } from './payloads.js';
import { appDeliveries, appOfReceiver } from './app-receivers.js';
import { receiverOf } from './queries.js';
import { webhookPayloads } from './registry.js';
import { webhookRuntimeOf, type WebhookRuntime } from './runtime.js';
import { webhookStream } from './webhook.js';

export const WEBHOOKS_GROUP = 'crm.webhooks';

/** identity's events whose body also goes to the app's own webhook URL (app-receivers.ts) */
const APP_EVENTS = new Set(['MarketplaceAppInstalled', 'MarketplaceAppUninstalled']);

/** crm's delivery queue and log (@seren/webhooks): webhook_deliveries, webhook_attempts, webhook_receiver_health. */
export const deliveryTables = webhookTables('webhook');

const bodiesOf = async (event: ConsumedEvent, context: WebhookPayloadContext): Promise<WebhookBody[]> => {
  const map = webhookPayloads[event.type];
  const out = map ? await map(event, context) : undefined;
  return out === undefined ? [] : Array.isArray(out) ? out : [out];
};

/**
 * Enqueues one delivery per matching subscription for each crm (and identity app-install) event:
 * subscriptions of the body's location, enabled, listing its type; an install's INSTALL/UNINSTALL
 * also to the app's webhook URL. In the consumer's transaction,
 * keyed by (subscription, event id and body type), so a redelivered event enqueues nothing twice.
 * The payload is complete when enqueued: `webhookId` is the delivery's id (stable across retries),
 * `timestamp` when the event happened. A mapping may read crm's read models in this transaction
 * (ContactUpdate: the whole contact); the stored payload is what every retry and redelivery sends.
 */
export const webhooksConsumer = (crm: Crm, groupId = WEBHOOKS_GROUP): ConsumerDefinition => {
  const types = Object.keys(webhookPayloads);
  const topics = [
    ...new Set(
      types
        .map((t) => contractOf(t))
        .filter((c) => c !== undefined)
        .map((c) => topicFor(c)),
    ),
  ];
  return {
    groupId,
    topics,
    pollIntervalMs: 100,
    handler: async (event, { manager }) => {
      const deliveries: DeliveryToEnqueue[] = APP_EVENTS.has(event.type)
        ? await appDeliveries(event, manager)
        : [];
      const bodies = await bodiesOf(event, { crm, manager });
      if (bodies.length === 0 && deliveries.length === 0) return;
      for (const body of bodies) {
        const subscriptions: Array<{ id: string }> = await manager.query(
          `select id from webhook_subscriptions where location_id = $1 and enabled and $2 = any(events)`,
          [body.locationId, body.type],
        );
        for (const { id: receiverId } of subscriptions) {
          const id = randomUUID();
          deliveries.push({
            id,
            receiverId,
            ownerId: body.locationId,
            eventId: `${event.id}:${body.type}`,
            eventType: body.type,
            payload: { ...body, webhookId: id, timestamp: body.timestamp ?? event.time.toISOString() },
          });
        }
      }
      await enqueueDeliveries(manager, deliveryTables, deliveries, crm.now());
    },
  };
};

/**
 * Removes finished deliveries (delivered, failed, rejected) and their attempts whose last change is
 * older than the retention (CRM_WEBHOOK_DELIVERY_RETENTION_DAYS, 30 days); pending and sending ones
 * stay. Answers how many went. Every crm process runs it hourly (startWebhookDelivery).
 */
export async function purgeOldDeliveries(crm: Crm): Promise<number> {
  const { deliveryRetentionMs } = webhookRuntimeOf(crm);
  return purgeFinishedDeliveries(
    crm.dataSource,
    deliveryTables,
    new Date(crm.now().getTime() - deliveryRetentionMs),
  );
}

/** Purges old deliveries every hour (each instance; the delete is idempotent and skips locked rows). */
function purgeDeliveriesHourly(crm: Crm, platform: Platform) {
  const timer = setInterval(() => {
    purgeOldDeliveries(crm).catch((error: unknown) =>
      crm.logger.warn({ err: error }, 'purging old webhook deliveries failed; next hour again'),
    );
  }, 3_600_000);
  timer.unref();
  platform.onClose(() => clearInterval(timer));
}

const workers = new WeakMap<Crm, DeliveryWorker>();

/** The running delivery worker of a crm context (tests, the bench). */
export const deliveryWorkerOf = (crm: Crm) => workers.get(crm);

/**
 * Starts this process's delivery worker (stopped at shutdown) and the hourly purge of old deliveries;
 * answers the context. CRM_WEBHOOK_* configure them (runtime.ts); several processes share the queue.
 */
export function startWebhookDelivery(
  crm: Crm,
  platform: Platform,
  env: Record<string, string | undefined>,
): Crm {
  // the same settings for sendWebhook and the public key
  const runtime: WebhookRuntime = webhookRuntimeOf(crm, env);
  const pool = (crm.dataSource.driver as PostgresDriver).master as Pool;
  const worker = new DeliveryWorker({
    pool,
    tables: deliveryTables,
    resolveReceiver: (id) => receiverOf(crm, id),
    policy: crm.settings.outbound,
    keys: runtime.keys,
    schedule: runtime.schedule,
    concurrency: runtime.concurrency,
    perReceiver: runtime.perReceiver,
    timeoutMs: runtime.timeoutMs,
    pollIntervalMs: runtime.pollIntervalMs,
    logger: crm.logger,
    onReceiverDisabled: async (webhookId, consecutiveFailures) => {
      if (appOfReceiver(webhookId) !== undefined) {
        crm.logger.warn({ receiverId: webhookId, consecutiveFailures }, "an app's webhook URL keeps failing");
        return;
      }
      await handle(
        crm,
        undefined,
        webhookStream(webhookId),
        webhookDecider,
        { type: 'DisableWebhook', consecutiveFailures, now: crm.now().toISOString() },
        { actor: 'system:crm-webhooks' },
      );
      crm.logger.warn(
        { webhookId, consecutiveFailures },
        'webhook subscription disabled: its deliveries kept failing',
      );
    },
  });
  workers.set(crm, worker);
  worker
    .start()
    .catch((error: unknown) => crm.logger.error({ err: error }, 'webhook delivery worker did not start'));
  platform.onClose(() => worker.stop());
  purgeDeliveriesHourly(crm, platform);
  return crm;
}
