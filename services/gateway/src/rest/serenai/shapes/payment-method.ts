import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// A payment method of the organization (`/billing/payment-methods`), attached to its Stripe customer.

export const BillingPaymentMethodFields = graphql(`
  fragment BillingPaymentMethodFields on BillingPaymentMethod {
    id
    stripePaymentMethodId
    type
    cardBrand
    cardLast4
    cardExpMonth
    cardExpYear
    isDefault
    createdAt
  }
`);

export const paymentMethodSchema = z.object({
  id: z.string(),
  stripe_payment_method_id: z.string(),
  type: z.string().describe("Stripe's type, e.g. card"),
  card_brand: z.string().nullable(),
  card_last4: z.string().nullable(),
  card_exp_month: z.number().int().nullable(),
  card_exp_year: z.number().int().nullable(),
  is_default: z.boolean(),
  created_at: z.string(),
});

export function paymentMethodToRest(
  ref: FragmentOf<typeof BillingPaymentMethodFields>,
): z.input<typeof paymentMethodSchema> {
  const m = readFragment(BillingPaymentMethodFields, ref);
  return {
    id: m.id,
    stripe_payment_method_id: m.stripePaymentMethodId,
    type: m.type,
    card_brand: m.cardBrand ?? null,
    card_last4: m.cardLast4 ?? null,
    card_exp_month: m.cardExpMonth ?? null,
    card_exp_year: m.cardExpYear ?? null,
    is_default: m.isDefault,
    created_at: m.createdAt,
  };
}
