import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI deposits by Stripe (commerce service). Stream `stripe-deposit-<id>`, aggregate
// `stripe_deposit`. A deposit starts as a PaymentIntent; only the signed webhook's
// payment_intent.succeeded credits the wallet (one ledger entry, kind `deposit_stripe`, reference
// the deposit id), and only once whatever Stripe redelivers; charge.refunded and
// charge.dispute.created take it back (StripeDepositReversed).

const id = z.string().min(1);
const at = z.iso.datetime();
/** USD cents, as Stripe counts them */
const cents = z.number().int().min(0);

export const StripeDepositCreated = defineEvent({
  type: 'StripeDepositCreated',
  version: 1,
  domain: 'commerce',
  aggregate: 'stripe_deposit',
  description: 'An organization started a Stripe deposit: a PaymentIntent was created for it.',
  schema: z.object({
    depositId: id,
    organizationId: id,
    /** who asked (user or agent id) */
    requestedBy: id,
    paymentIntentId: id,
    amountCents: cents,
    currency: z.literal('usd'),
    referralCode: z.string().nullable(),
    createdAt: at,
  }),
});

export const StripeDepositSucceeded = defineEvent({
  type: 'StripeDepositSucceeded',
  version: 1,
  domain: 'commerce',
  aggregate: 'stripe_deposit',
  description:
    "Stripe reported the deposit's payment as succeeded (signed webhook); the amount received was credited to the organization's funded balance.",
  schema: z.object({
    depositId: id,
    organizationId: id,
    paymentIntentId: id,
    /** what Stripe received, the amount credited */
    amountReceivedCents: cents,
    /** the Stripe event that reported it */
    stripeEventId: id,
    /** the ledger entry that credited it */
    entryId: id,
    succeededAt: at,
  }),
});

export const StripeDepositFailed = defineEvent({
  type: 'StripeDepositFailed',
  version: 1,
  domain: 'commerce',
  aggregate: 'stripe_deposit',
  description: "Stripe reported the deposit's payment as failed or canceled; nothing was credited.",
  schema: z.object({
    depositId: id,
    organizationId: id,
    paymentIntentId: id,
    status: z.enum(['failed', 'canceled']),
    reason: z.string().nullable(),
    stripeEventId: id,
    failedAt: at,
  }),
});

export const StripeDepositReversed = defineEvent({
  type: 'StripeDepositReversed',
  version: 1,
  domain: 'commerce',
  aggregate: 'stripe_deposit',
  description:
    "Stripe took money of a succeeded deposit back (the payment refunded, or disputed by the card holder): it was debited from the organization's funded balance, as far as the balance still held it; the rest is the shortfall, the platform's loss (ledger account system:stripe_losses). One journal entry, kind stripe_refund or stripe_dispute.",
  schema: z.object({
    depositId: id,
    organizationId: id,
    paymentIntentId: id,
    reason: z.enum(['refund', 'dispute']),
    /** the Stripe object: the charge of a refund, the dispute */
    stripeObjectId: id,
    /** what Stripe took back this time */
    amountCents: cents.min(1),
    /** taken from the funded balance, in USDC atomic units (10,000 per cent) */
    debitedAtomic: z.string().regex(/^\d+$/),
    /** what the funded balance no longer held, in USDC atomic units */
    shortfallAtomic: z.string().regex(/^\d+$/),
    stripeEventId: id,
    entryId: id,
    reversedAt: at,
  }),
});

export const StripeDepositReinstated = defineEvent({
  type: 'StripeDepositReinstated',
  version: 1,
  domain: 'commerce',
  aggregate: 'stripe_deposit',
  description:
    "A dispute of the deposit was won: Stripe reinstated the funds, and what the dispute took back is given back as it was taken (the debited part to the organization's funded balance, the shortfall off system:stripe_losses). One journal entry, kind stripe_dispute_reinstated.",
  schema: z.object({
    depositId: id,
    organizationId: id,
    paymentIntentId: id,
    disputeId: id,
    amountCents: cents.min(1),
    /** back to the funded balance, in USDC atomic units */
    creditedAtomic: z.string().regex(/^\d+$/),
    /** the shortfall the dispute recorded, no longer a loss */
    lossRecoveredAtomic: z.string().regex(/^\d+$/),
    stripeEventId: id,
    entryId: id,
    reinstatedAt: at,
  }),
});

export const stripeDepositEvents = [
  StripeDepositCreated,
  StripeDepositSucceeded,
  StripeDepositFailed,
  StripeDepositReversed,
  StripeDepositReinstated,
] as const;
