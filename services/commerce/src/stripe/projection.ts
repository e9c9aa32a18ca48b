import { defineProjection } from '@seren/event-store';
import type { DepositEvent } from './deposit.js';

/** `stripe_deposits`: what deposit queries read, written in each append's transaction. */
export const stripeDepositsProjection = defineProjection<DepositEvent>({
  name: 'stripe_deposits',
  handles: [
    'StripeDepositCreated',
    'StripeDepositSucceeded',
    'StripeDepositFailed',
    'StripeDepositReversed',
    'StripeDepositReinstated',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'StripeDepositCreated': {
        const d = event.data;
        await manager.query(
          `insert into stripe_deposits (id, organization_id, requested_by, payment_intent_id, amount_cents,
             currency, status, referral_code, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $8)`,
          [
            d.depositId,
            d.organizationId,
            d.requestedBy,
            d.paymentIntentId,
            d.amountCents,
            d.currency,
            d.referralCode,
            d.createdAt,
          ],
        );
        return;
      }
      case 'StripeDepositSucceeded': {
        const d = event.data;
        await manager.query(
          `update stripe_deposits set status = 'succeeded', amount_received_cents = $2, entry_id = $3,
             updated_at = $4 where id = $1`,
          [d.depositId, d.amountReceivedCents, d.entryId, d.succeededAt],
        );
        return;
      }
      case 'StripeDepositFailed': {
        const d = event.data;
        await manager.query(
          `update stripe_deposits set status = $2, failure_reason = $3, updated_at = $4 where id = $1`,
          [d.depositId, d.status, d.reason, d.failedAt],
        );
        return;
      }
      // what Stripe took back: `disputed` while a dispute holds money, else `refunded` once a refund took any
      case 'StripeDepositReversed': {
        const d = event.data;
        await manager.query(
          `update stripe_deposits set
             refunded_cents = refunded_cents + case when $2 = 'refund' then $3::bigint else 0 end,
             disputed_cents = disputed_cents + case when $2 = 'dispute' then $3::bigint else 0 end,
             status = case when $2 = 'dispute' or disputed_cents > 0 then 'disputed' else 'refunded' end,
             updated_at = $4
           where id = $1`,
          [d.depositId, d.reason, d.amountCents, d.reversedAt],
        );
        return;
      }
      case 'StripeDepositReinstated': {
        const d = event.data;
        await manager.query(
          `update stripe_deposits set disputed_cents = disputed_cents - $2::bigint,
             status = case when disputed_cents - $2::bigint > 0 then 'disputed'
                           when refunded_cents > 0 then 'refunded' else 'succeeded' end,
             updated_at = $3
           where id = $1`,
          [d.depositId, d.amountCents, d.reinstatedAt],
        );
        return;
      }
      default:
        return;
    }
  },
});
