import { defineProjection } from '@seren/event-store';
import type { WebhookEvent } from './webhook.js';

/** `webhook_subscriptions`: each location's receivers, written in each append's transaction. */
export const webhooksProjection = defineProjection<WebhookEvent>({
  name: 'webhook_subscriptions',
  handles: [
    'WebhookSubscriptionCreated',
    'WebhookSubscriptionUpdated',
    'WebhookSigningSecretRotated',
    'WebhookSubscriptionDisabled',
    'WebhookSubscriptionDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'WebhookSubscriptionCreated': {
        const d = event.data;
        await manager.query(
          `insert into webhook_subscriptions (id, location_id, name, url, method, events, header_names, enabled, secret_id, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
          [
            d.webhookId,
            d.locationId,
            d.name,
            d.url,
            d.method,
            d.events,
            d.headerNames,
            d.enabled,
            d.secretId,
            d.createdAt,
          ],
        );
        return;
      }
      case 'WebhookSubscriptionUpdated': {
        const d = event.data;
        await manager.query(
          `update webhook_subscriptions set
             name = case when $2 then $3 else name end,
             url = coalesce($4, url),
             method = coalesce($5, method),
             events = coalesce($6, events),
             header_names = coalesce($7, header_names),
             enabled = coalesce($8, enabled),
             disabled_reason = case when $8 is null then disabled_reason else null end,
             updated_at = $9
           where id = $1`,
          [
            d.webhookId,
            d.name !== undefined,
            d.name ?? null,
            d.url ?? null,
            d.method ?? null,
            d.events ?? null,
            d.headerNames ?? null,
            d.enabled ?? null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'WebhookSigningSecretRotated':
        await manager.query(
          `update webhook_subscriptions set secret_id = $2, updated_at = $3 where id = $1`,
          [event.data.webhookId, event.data.secretId, event.data.rotatedAt],
        );
        return;
      case 'WebhookSubscriptionDisabled':
        await manager.query(
          `update webhook_subscriptions set enabled = false, disabled_reason = $2, updated_at = $3 where id = $1`,
          [event.data.webhookId, event.data.reason, event.data.disabledAt],
        );
        return;
      case 'WebhookSubscriptionDeleted':
        await manager.query(`delete from webhook_subscriptions where id = $1`, [event.data.webhookId]);
        await manager.query(`delete from webhook_signing_secrets where webhook_id = $1`, [
          event.data.webhookId,
        ]);
        await manager.query(`delete from webhook_deliveries where receiver_id = $1 and state = 'pending'`, [
          event.data.webhookId,
        ]);
        return;
      default:
        return;
    }
  },
});
