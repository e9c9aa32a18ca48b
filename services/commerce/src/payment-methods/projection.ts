import { defineProjection } from '@seren/event-store';
import type { PaymentMethodEvent } from './payment-methods.js';

/** `payment_methods`: what payment-method queries read, written in each append's transaction. */
export const paymentMethodsProjection = defineProjection<PaymentMethodEvent>({
  name: 'payment_methods',
  handles: ['PaymentMethodAttached', 'DefaultPaymentMethodChanged', 'PaymentMethodRemoved'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'PaymentMethodAttached': {
        const d = event.data;
        await manager.query(
          `insert into payment_methods (id, organization_id, stripe_payment_method_id, stripe_customer_id, type,
             card_brand, card_last4, card_exp_month, card_exp_year, is_default, created_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, false, $10)`,
          [
            d.paymentMethodId,
            d.organizationId,
            d.stripePaymentMethodId,
            d.stripeCustomerId,
            d.type,
            d.card?.brand ?? null,
            d.card?.last4 ?? null,
            d.card?.expMonth ?? null,
            d.card?.expYear ?? null,
            d.attachedAt,
          ],
        );
        return;
      }
      case 'DefaultPaymentMethodChanged':
        await manager.query(`update payment_methods set is_default = (id = $2) where organization_id = $1`, [
          event.data.organizationId,
          event.data.paymentMethodId,
        ]);
        return;
      case 'PaymentMethodRemoved':
        await manager.query(`delete from payment_methods where id = $1`, [event.data.paymentMethodId]);
        return;
      default:
        return;
    }
  },
});
