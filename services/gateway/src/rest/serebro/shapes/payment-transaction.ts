import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's transaction (`GET /payments/transactions`), for a Serebro payment intent: `_id`,
// `altId`/`altType` (the location), `contactId`, `currency`, `amount`, `status`, `liveMode`,
// `entityId`/`entityType` (the opportunity or appointment it pays for), `chargeId` (the provider's
// id), `paymentProvider`. Amounts are integers of minor units (HighLevel answers decimals): money is
// never a float here.

export const PaymentTransactionFields = graphql(`
  fragment PaymentTransactionFields on PaymentTransaction {
    id
    locationId
    contactId
    contact {
      id
      name
      email
    }
    opportunityId
    appointmentId
    connectionId
    provider
    liveMode
    providerPaymentId
    amount
    currency
    description
    metadata
    status
    amountCaptured
    amountRefunded
    failureMessage
    returnUrl
    clientSecret
    createdAt
    updatedAt
  }
`);

export const paymentStatusSchema = z.enum([
  'requires_confirmation',
  'processing',
  'failed',
  'succeeded',
  'partially_refunded',
  'refunded',
  'canceled',
]);

export const paymentTransactionSchema = z.object({
  _id: z.string(),
  id: z.string().describe('the same as _id'),
  altId: z.string().describe('the location'),
  altType: z.literal('location'),
  contactId: z.string(),
  contactName: z.string().nullable(),
  contactEmail: z.string().nullable(),
  currency: z.string().describe('ISO 4217, upper case'),
  amount: z.number().int().describe('minor units (cents)'),
  amountCaptured: z.number().int(),
  amountRefunded: z.number().int(),
  status: paymentStatusSchema,
  liveMode: z.boolean(),
  entityType: z.enum(['opportunity', 'appointment']).nullable(),
  entityId: z.string().nullable(),
  opportunityId: z.string().nullable(),
  appointmentId: z.string().nullable(),
  chargeId: z.string().describe("the provider's id: Stripe's PaymentIntent, the custom provider's charge"),
  paymentProvider: z.object({ type: z.enum(['stripe', 'custom']), connectionId: z.string() }),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  failureMessage: z.string().nullable(),
  returnUrl: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** The create's answer: the transaction and, for Stripe, the client secret Stripe.js confirms with. */
export const createdIntentSchema = paymentTransactionSchema.extend({
  clientSecret: z.string().nullable().describe("Stripe's client secret (the create's answer only)"),
});

export function paymentTransactionToRest(
  ref: FragmentOf<typeof PaymentTransactionFields>,
): z.input<typeof paymentTransactionSchema> {
  const p = readFragment(PaymentTransactionFields, ref);
  const entity = p.opportunityId
    ? { entityType: 'opportunity' as const, entityId: p.opportunityId }
    : p.appointmentId
      ? { entityType: 'appointment' as const, entityId: p.appointmentId }
      : { entityType: null, entityId: null };
  return {
    _id: p.id,
    id: p.id,
    altId: p.locationId,
    altType: 'location',
    contactId: p.contactId,
    contactName: p.contact?.name ?? null,
    contactEmail: p.contact?.email ?? null,
    currency: p.currency,
    amount: p.amount,
    amountCaptured: p.amountCaptured,
    amountRefunded: p.amountRefunded,
    status: paymentStatusSchema.parse(p.status),
    liveMode: p.liveMode,
    ...entity,
    opportunityId: p.opportunityId ?? null,
    appointmentId: p.appointmentId ?? null,
    chargeId: p.providerPaymentId,
    paymentProvider: { type: p.provider === 'custom' ? 'custom' : 'stripe', connectionId: p.connectionId },
    description: p.description ?? null,
    metadata: (p.metadata ?? {}) as Record<string, string>,
    failureMessage: p.failureMessage ?? null,
    returnUrl: p.returnUrl ?? null,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

export function createdIntentToRest(
  ref: FragmentOf<typeof PaymentTransactionFields>,
): z.input<typeof createdIntentSchema> {
  return {
    ...paymentTransactionToRest(ref),
    clientSecret: readFragment(PaymentTransactionFields, ref).clientSecret ?? null,
  };
}
