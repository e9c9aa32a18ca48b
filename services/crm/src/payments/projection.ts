import { defineProjection } from '@seren/event-store';
import type { PaymentConnectionEvent } from './connection.js';
import type { PaymentEvent } from './payment.js';

/** `payment_connections`: what connection queries read (keys as credential ids and masks only). */
export const paymentConnectionsProjection = defineProjection<PaymentConnectionEvent>({
  name: 'payment_connections',
  handles: ['PaymentConnectionCreated', 'PaymentConnectionKeysChanged', 'PaymentConnectionDisconnected'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'PaymentConnectionCreated': {
        const d = event.data;
        await manager.query(
          `insert into payment_connections (id, location_id, provider, name, description, payments_url, query_url,
                                            image_url, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
          [
            d.connectionId,
            d.locationId,
            d.provider,
            d.name,
            d.description,
            d.paymentsUrl,
            d.queryUrl,
            d.imageUrl,
            d.createdAt,
          ],
        );
        return;
      }
      case 'PaymentConnectionKeysChanged': {
        const d = event.data;
        await manager.query(
          `update payment_connections set keys = keys || jsonb_build_object($2::text, $3::jsonb), updated_at = $4
           where id = $1`,
          [d.connectionId, d.mode, JSON.stringify(d.keys), d.setAt],
        );
        return;
      }
      case 'PaymentConnectionDisconnected':
        await manager.query(
          `update payment_connections set disconnected_at = $2, updated_at = $2 where id = $1`,
          [event.data.connectionId, event.data.disconnectedAt],
        );
        return;
      default:
        return;
    }
  },
});

/** `payments`: the intents as transactions, written in each append's transaction. */
export const paymentsProjection = defineProjection<PaymentEvent>({
  name: 'payments',
  handles: [
    'PaymentIntentCreated',
    'PaymentIntentConfirmed',
    'PaymentIntentCanceled',
    'PaymentSucceeded',
    'PaymentFailed',
    'PaymentRefunded',
  ],
  async apply(event, { manager }) {
    const set = (sql: string, at: string, params: unknown[] = []) =>
      manager.query(`update payments set ${sql}, updated_at = $2 where id = $1`, [
        event.data.paymentId,
        at,
        ...params,
      ]);
    switch (event.type) {
      case 'PaymentIntentCreated': {
        const d = event.data;
        await manager.query(
          `insert into payments (id, location_id, contact_id, opportunity_id, appointment_id, connection_id, provider,
                                 live_mode, provider_payment_id, amount, currency, description, metadata, status,
                                 return_url, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'requires_confirmation', $14, $15, $15)`,
          [
            d.paymentId,
            d.locationId,
            d.contactId,
            d.opportunityId,
            d.appointmentId,
            d.connectionId,
            d.provider,
            d.liveMode,
            d.providerPaymentId,
            d.amount,
            d.currency,
            d.description,
            JSON.stringify(d.metadata),
            d.returnUrl,
            d.createdAt,
          ],
        );
        return;
      }
      case 'PaymentIntentConfirmed':
        await set(`status = 'processing', failure_message = null`, event.data.confirmedAt);
        return;
      case 'PaymentIntentCanceled':
        await set(`status = 'canceled'`, event.data.canceledAt);
        return;
      case 'PaymentSucceeded':
        await set(
          `status = 'succeeded', amount_captured = $3, failure_message = null`,
          event.data.succeededAt,
          [event.data.amountCaptured],
        );
        return;
      case 'PaymentFailed':
        await set(`status = 'failed', failure_message = $3`, event.data.failedAt, [
          event.data.failureMessage,
        ]);
        return;
      case 'PaymentRefunded':
        await set(
          `amount_refunded = $3, status = case when $3 >= amount_captured then 'refunded' else 'partially_refunded' end`,
          event.data.refundedAt,
          [event.data.amountRefunded],
        );
        return;
      default:
        return;
    }
  },
});
