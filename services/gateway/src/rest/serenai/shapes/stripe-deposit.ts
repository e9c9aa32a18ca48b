import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { lower } from '../../mapping.js';

// A Stripe deposit as `POST /wallet/deposit` answers it (the spec's DepositResponse): the
// PaymentIntent to confirm client-side with its client secret. The wallet is credited by Stripe's
// signed webhook (POST /webhooks/stripe), not by this call.

export const StripeDepositStartedFields = graphql(`
  fragment StripeDepositStartedFields on StripeDepositStarted {
    depositId
    paymentIntentId
    clientSecret
    amountCents
    currency
    status
    createdAt
  }
`);

export const depositSchema = z.object({
  deposit_id: z.string(),
  payment_intent_id: z.string().describe('the Stripe PaymentIntent'),
  client_secret: z
    .string()
    .nullable()
    .describe('confirm the PaymentIntent with it (Stripe.js); never logged'),
  amount_cents: z.number().int(),
  currency: z.literal('usd'),
  status: z
    .enum(['pending', 'succeeded', 'failed', 'canceled', 'refunded', 'disputed'])
    .describe('refunded or disputed once Stripe reversed it (a replay by its idempotency key shows it)'),
  created_at: z.string(),
});

export function depositToRest(
  ref: FragmentOf<typeof StripeDepositStartedFields>,
): z.input<typeof depositSchema> {
  const d = readFragment(StripeDepositStartedFields, ref);
  return {
    deposit_id: d.depositId,
    payment_intent_id: d.paymentIntentId,
    client_secret: d.clientSecret ?? null,
    amount_cents: d.amountCents,
    currency: 'usd',
    status: lower(d.status),
    created_at: d.createdAt,
  };
}
