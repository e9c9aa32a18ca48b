import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI payment methods (commerce service): the organization's cards, attached to its Stripe
// customer. Stream `payment-methods-<organization id>`, aggregate `payment_methods` (all of one
// organization's methods, so "one default at a time" is decided in one place).

const id = z.string().min(1);
const at = z.iso.datetime();

export const PaymentMethodAttached = defineEvent({
  type: 'PaymentMethodAttached',
  version: 1,
  domain: 'commerce',
  aggregate: 'payment_methods',
  description: "A Stripe payment method was attached to the organization's Stripe customer.",
  schema: z.object({
    paymentMethodId: id,
    organizationId: id,
    stripePaymentMethodId: id,
    stripeCustomerId: id,
    /** Stripe's type, e.g. `card` */
    type: z.string(),
    card: z
      .object({
        brand: z.string(),
        last4: z.string(),
        expMonth: z.number().int(),
        expYear: z.number().int(),
      })
      .nullable(),
    addedBy: id,
    attachedAt: at,
  }),
});

export const DefaultPaymentMethodChanged = defineEvent({
  type: 'DefaultPaymentMethodChanged',
  version: 1,
  domain: 'commerce',
  aggregate: 'payment_methods',
  description: "The organization's default payment method changed (null: it has none any more).",
  schema: z.object({
    organizationId: id,
    paymentMethodId: id.nullable(),
    changedAt: at,
  }),
});

export const PaymentMethodRemoved = defineEvent({
  type: 'PaymentMethodRemoved',
  version: 1,
  domain: 'commerce',
  aggregate: 'payment_methods',
  description: "A payment method was detached from the organization's Stripe customer and removed.",
  schema: z.object({
    paymentMethodId: id,
    organizationId: id,
    stripePaymentMethodId: id,
    removedBy: id,
    removedAt: at,
  }),
});

export const paymentMethodEvents = [
  PaymentMethodAttached,
  DefaultPaymentMethodChanged,
  PaymentMethodRemoved,
] as const;
