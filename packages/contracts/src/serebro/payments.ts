import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's payments (the crm service, spec §7): a location's payment connections (Stripe, or a
// custom provider in HighLevel's model) and its payment intents (HighLevel's transactions), each
// tied to a contact. Amounts are integers in the currency's minor units (cents), currencies ISO
// 4217 upper case, times ISO 8601 in UTC. No event carries a secret: provider keys and webhook
// signing secrets are sealed in the credential store, events name them by id and masked form.
//
// Streams: `payment-<id>` (aggregate payment, topic crm.payment), `payment-connection-<id>`
// (aggregate payment_connection, topic crm.payment_connection).

const id = z.string().min(1);
const at = z.iso.datetime();
const minor = z.number().int().min(0);
const currency = z.string().regex(/^[A-Z]{3}$/);

export const paymentProviders = ['stripe', 'custom'] as const;
export const paymentModes = ['test', 'live'] as const;
const provider = z.enum(paymentProviders);
const mode = z.enum(paymentModes);

/** What moved an intent: the provider's webhook, or the reconciliation that found what a webhook missed. */
const source = z.enum(['webhook', 'reconciliation', 'provider_response']);

// ---- connections ---------------------------------------------------------------------------------

/** One mode's keys as events show them: the credential holding them and their masked forms. */
const modeKeys = z.object({
  credentialId: id,
  /** e.g. `{secretKey: "sk_…1234"}` */
  masked: z.record(z.string(), z.string()),
});

export const PaymentConnectionCreated = defineEvent({
  type: 'PaymentConnectionCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'payment_connection',
  description:
    "A location connected a payment provider: Stripe, or a custom provider (HighLevel's custom-provider integration: its name, `paymentsUrl` and `queryUrl`).",
  schema: z.object({
    connectionId: id,
    locationId: id,
    provider,
    name: z.string().min(1),
    description: z.string().nullable(),
    /** custom provider: the page a customer pays on (HighLevel's paymentsUrl) */
    paymentsUrl: z.string().nullable(),
    /** custom provider: the endpoint Serebro calls to create, confirm, cancel, refund and list payments */
    queryUrl: z.string().nullable(),
    imageUrl: z.string().nullable(),
    createdAt: at,
  }),
});

export const PaymentConnectionKeysChanged = defineEvent({
  type: 'PaymentConnectionKeysChanged',
  version: 1,
  domain: 'crm',
  aggregate: 'payment_connection',
  description:
    "A connection's keys for one mode (`test`: the sandbox, `live`) were set or replaced; the keys are in the credential store, shown masked here.",
  schema: z.object({ connectionId: id, locationId: id, mode, keys: modeKeys, setAt: at }),
});

export const PaymentConnectionDisconnected = defineEvent({
  type: 'PaymentConnectionDisconnected',
  version: 1,
  domain: 'crm',
  aggregate: 'payment_connection',
  description: 'A payment connection was removed: it takes no new intent; its transactions stay readable.',
  schema: z.object({ connectionId: id, locationId: id, disconnectedAt: at }),
});

// ---- intents -------------------------------------------------------------------------------------

/** What every payment event names: the intent, its location and contact, amount and currency. */
const payment = {
  paymentId: id,
  locationId: id,
  contactId: id,
  amount: minor,
  currency,
};

export const PaymentIntentCreated = defineEvent({
  type: 'PaymentIntentCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description:
    'A payment intent was created at the provider for a contact (optionally an opportunity or appointment): amount in minor units.',
  schema: z.object({
    ...payment,
    connectionId: id,
    provider,
    liveMode: z.boolean(),
    /** the provider's id of the payment (Stripe's PaymentIntent id; the custom provider's chargeId) */
    providerPaymentId: id,
    description: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    opportunityId: id.nullable(),
    appointmentId: id.nullable(),
    returnUrl: z.string().nullable(),
    createdAt: at,
  }),
});

export const PaymentIntentConfirmed = defineEvent({
  type: 'PaymentIntentConfirmed',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description: "The intent was confirmed at the provider; its outcome comes by the provider's webhook.",
  schema: z.object({ ...payment, confirmedAt: at }),
});

export const PaymentIntentCanceled = defineEvent({
  type: 'PaymentIntentCanceled',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description: 'The intent was canceled before it succeeded (at the provider too).',
  schema: z.object({ ...payment, reason: z.string().nullable(), canceledAt: at }),
});

export const PaymentSucceeded = defineEvent({
  type: 'PaymentSucceeded',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description:
    "The payment succeeded: `amountCaptured` was captured (HighLevel's payment received). Reported by the provider's webhook or found by the reconciliation.",
  schema: z.object({
    ...payment,
    amountCaptured: minor,
    liveMode: z.boolean(),
    /** the provider's event id, or the reconciliation's id for what it found */
    providerEventId: id,
    source,
    succeededAt: at,
  }),
});

export const PaymentFailed = defineEvent({
  type: 'PaymentFailed',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description: 'An attempt to pay failed (the intent may be confirmed again).',
  schema: z.object({
    ...payment,
    failureMessage: z.string().nullable(),
    providerEventId: id,
    source,
    failedAt: at,
  }),
});

export const PaymentRefundRequested = defineEvent({
  type: 'PaymentRefundRequested',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description:
    'A refund was asked of the provider: `refundAmount` is held against the captured amount until the provider answers.',
  schema: z.object({ ...payment, refundId: id, refundAmount: minor.min(1), requestedAt: at }),
});

export const PaymentRefunded = defineEvent({
  type: 'PaymentRefunded',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description:
    'Money went back to the customer: `refundAmount` now, `amountRefunded` in all (full when it equals the captured amount).',
  schema: z.object({
    ...payment,
    refundId: id,
    refundAmount: minor.min(1),
    amountRefunded: minor,
    providerRefundId: z.string().nullable(),
    source,
    refundedAt: at,
  }),
});

export const PaymentRefundFailed = defineEvent({
  type: 'PaymentRefundFailed',
  version: 1,
  domain: 'crm',
  aggregate: 'payment',
  description: 'The provider refused a refund: the amount held for it is free again.',
  schema: z.object({
    ...payment,
    refundId: id,
    refundAmount: minor,
    reason: z.string().nullable(),
    failedAt: at,
  }),
});

export const paymentConnectionEvents = [
  PaymentConnectionCreated,
  PaymentConnectionKeysChanged,
  PaymentConnectionDisconnected,
] as const;
export const paymentEvents = [
  PaymentIntentCreated,
  PaymentIntentConfirmed,
  PaymentIntentCanceled,
  PaymentSucceeded,
  PaymentFailed,
  PaymentRefundRequested,
  PaymentRefunded,
  PaymentRefundFailed,
] as const;

/** Every Serebro payments event (the registry lists them). */
export const serebroPaymentEvents = [...paymentConnectionEvents, ...paymentEvents] as const;
