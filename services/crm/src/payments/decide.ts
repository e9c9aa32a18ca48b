import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolvePayment,
  initialPaymentState,
  refundable,
  type Payment,
  type PaymentEvent,
  type PaymentProvider,
  type PaymentState,
} from './payment.js';

export type PaymentReason =
  'PAYMENT_EXISTS' | 'PAYMENT_NOT_CONFIRMABLE' | 'PAYMENT_NOT_CANCELABLE' | 'PAYMENT_NOT_REFUNDABLE';
export const paymentErrors = domainErrorsOf<PaymentReason>();

/** Stripe's largest amount (99,999,999 minor units), so one rule holds whichever provider pays. */
export const MAX_AMOUNT = 99_999_999;
export const MAX_DESCRIPTION = 1000;
/** Stripe's metadata limits: 50 keys of 40 characters, values of 500 */
export const MAX_METADATA_KEYS = 50;

/** How a webhook or the reconciliation learnt an outcome. */
export type OutcomeSource = 'webhook' | 'reconciliation' | 'provider_response';

export interface IntentInput {
  amount: unknown;
  currency: unknown;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
}

export interface CheckedIntent {
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
}

/**
 * An intent's amount, currency, description and metadata, checked before the provider is asked:
 * the amount an integer of minor units 1..MAX_AMOUNT, the currency ISO 4217 (upper case), metadata
 * strings (Stripe's limits). Every bad field in one 400.
 */
export function checkIntent(input: IntentInput, problems: FieldProblem[] = []): CheckedIntent {
  const amount = input.amount;
  if (typeof amount !== 'number' || !Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT)
    problems.push({
      field: 'amount',
      message: `must be an integer of minor units (cents) from 1 to ${MAX_AMOUNT}`,
    });
  const currency = typeof input.currency === 'string' ? input.currency.trim().toUpperCase() : '';
  if (!/^[A-Z]{3}$/.test(currency))
    problems.push({ field: 'currency', message: 'must be an ISO 4217 code, e.g. USD' });
  const description = input.description?.trim() || null;
  if (description && description.length > MAX_DESCRIPTION)
    problems.push({ field: 'description', message: `must be at most ${MAX_DESCRIPTION} characters` });
  const metadata: Record<string, string> = {};
  const entries = Object.entries(input.metadata ?? {});
  if (entries.length > MAX_METADATA_KEYS)
    problems.push({ field: 'metadata', message: `must have at most ${MAX_METADATA_KEYS} keys` });
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 40 || key.includes('[') || key.includes(']'))
      problems.push({ field: `metadata.${key}`, message: 'keys must be 1-40 characters without brackets' });
    else if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      problems.push({ field: `metadata.${key}`, message: 'must be a string, number or boolean' });
    else if (String(value).length > 500)
      problems.push({ field: `metadata.${key}`, message: 'must be at most 500 characters' });
    else metadata[key] = String(value);
  }
  if (problems.length > 0) throw invalidFields(problems);
  return { amount: amount as number, currency, description, metadata };
}

export type PaymentCommand =
  | {
      type: 'CreatePaymentIntent';
      paymentId: string;
      locationId: string;
      contactId: string;
      opportunityId: string | null;
      appointmentId: string | null;
      connectionId: string;
      provider: PaymentProvider;
      liveMode: boolean;
      providerPaymentId: string;
      intent: CheckedIntent;
      returnUrl: string | null;
      now: string;
    }
  | { type: 'ConfirmPaymentIntent'; locationId: string; now: string }
  | { type: 'CancelPaymentIntent'; locationId: string; reason: string | null; now: string }
  | {
      type: 'RecordPaymentSucceeded';
      amountCaptured: number;
      providerEventId: string;
      source: OutcomeSource;
      now: string;
    }
  | {
      type: 'RecordPaymentFailed';
      failureMessage: string | null;
      providerEventId: string;
      source: OutcomeSource;
      now: string;
    }
  | {
      type: 'RequestRefund';
      locationId: string;
      refundId: string;
      /** minor units; undefined: everything still refundable */
      amount: number | undefined;
      now: string;
    }
  | {
      type: 'RecordRefund';
      refundId: string;
      /** minor units: what the provider reports refunded by this refund */
      amount: number;
      providerRefundId: string | null;
      source: OutcomeSource;
      now: string;
    }
  | { type: 'RecordRefundFailed'; refundId: string; reason: string | null; now: string };

/** Another location's payment answers exactly like a missing one: 404. */
function ours(state: PaymentState, locationId?: string): Payment {
  if (state.status === 'none' || (locationId !== undefined && state.payment.locationId !== locationId))
    throw paymentErrors.notFound('payment');
  return state.payment;
}

const base = (p: Payment) => ({
  paymentId: p.paymentId,
  locationId: p.locationId,
  contactId: p.contactId,
  amount: p.amount,
  currency: p.currency,
});

const confirmable = ['requires_confirmation', 'failed'];
const cancelable = ['requires_confirmation', 'processing', 'failed'];
const paid = ['succeeded', 'partially_refunded'];

export function decidePayment(command: PaymentCommand, state: PaymentState): PaymentEvent[] {
  switch (command.type) {
    case 'CreatePaymentIntent': {
      if (state.status !== 'none')
        throw paymentErrors.conflict('payment already exists', { reason: 'PAYMENT_EXISTS' });
      return [
        {
          type: 'PaymentIntentCreated',
          data: {
            paymentId: command.paymentId,
            locationId: command.locationId,
            contactId: command.contactId,
            amount: command.intent.amount,
            currency: command.intent.currency,
            connectionId: command.connectionId,
            provider: command.provider,
            liveMode: command.liveMode,
            providerPaymentId: command.providerPaymentId,
            description: command.intent.description,
            metadata: command.intent.metadata,
            opportunityId: command.opportunityId,
            appointmentId: command.appointmentId,
            returnUrl: command.returnUrl,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'ConfirmPaymentIntent': {
      const p = ours(state, command.locationId);
      if (p.status === 'processing') return [];
      if (!confirmable.includes(p.status))
        throw paymentErrors.conflict(`a ${p.status} payment cannot be confirmed`, {
          reason: 'PAYMENT_NOT_CONFIRMABLE',
        });
      return [{ type: 'PaymentIntentConfirmed', data: { ...base(p), confirmedAt: command.now } }];
    }
    case 'CancelPaymentIntent': {
      const p = ours(state, command.locationId);
      if (p.status === 'canceled') return [];
      if (!cancelable.includes(p.status))
        throw paymentErrors.conflict(`a ${p.status} payment cannot be canceled (refund it)`, {
          reason: 'PAYMENT_NOT_CANCELABLE',
        });
      return [
        {
          type: 'PaymentIntentCanceled',
          data: { ...base(p), reason: command.reason, canceledAt: command.now },
        },
      ];
    }
    case 'RecordPaymentSucceeded': {
      const p = ours(state);
      // a second report (a redelivery under a new event id, the webhook after the reconciliation)
      // changes nothing; a canceled intent cannot succeed at the provider
      if (!['requires_confirmation', 'processing', 'failed'].includes(p.status)) return [];
      return [
        {
          type: 'PaymentSucceeded',
          data: {
            ...base(p),
            amountCaptured: Math.min(command.amountCaptured, p.amount),
            liveMode: p.liveMode,
            providerEventId: command.providerEventId,
            source: command.source,
            succeededAt: command.now,
          },
        },
      ];
    }
    case 'RecordPaymentFailed': {
      const p = ours(state);
      if (!['requires_confirmation', 'processing'].includes(p.status)) return [];
      return [
        {
          type: 'PaymentFailed',
          data: {
            ...base(p),
            failureMessage: command.failureMessage,
            providerEventId: command.providerEventId,
            source: command.source,
            failedAt: command.now,
          },
        },
      ];
    }
    case 'RequestRefund': {
      const p = ours(state, command.locationId);
      // the same refund asked again (a retry with its idempotency key) adds nothing
      if (command.refundId in p.pendingRefunds || p.settledRefunds.includes(command.refundId)) return [];
      if (!paid.includes(p.status))
        throw paymentErrors.conflict(`a ${p.status} payment cannot be refunded`, {
          reason: 'PAYMENT_NOT_REFUNDABLE',
        });
      const left = refundable(p);
      const amount = command.amount ?? left;
      if (!Number.isInteger(amount) || amount < 1 || amount > left)
        throw invalidFields([
          {
            field: 'amount',
            message:
              left === 0
                ? 'nothing is left to refund (captured less refunded and pending refunds is 0)'
                : `must be an integer of minor units from 1 to ${left} (captured less refunded and pending refunds)`,
          },
        ]);
      return [
        {
          type: 'PaymentRefundRequested',
          data: { ...base(p), refundId: command.refundId, refundAmount: amount, requestedAt: command.now },
        },
      ];
    }
    case 'RecordRefund': {
      const p = ours(state);
      if (p.settledRefunds.includes(command.refundId)) return [];
      const pending = p.pendingRefunds[command.refundId];
      // a refund made at the provider (its dashboard) arrives by webhook only: never past what was captured
      const amount = pending ?? Math.min(command.amount, refundable(p));
      if (amount < 1) return [];
      return [
        {
          type: 'PaymentRefunded',
          data: {
            ...base(p),
            refundId: command.refundId,
            refundAmount: amount,
            amountRefunded: p.amountRefunded + amount,
            providerRefundId: command.providerRefundId,
            source: command.source,
            refundedAt: command.now,
          },
        },
      ];
    }
    case 'RecordRefundFailed': {
      const p = ours(state);
      const pending = p.pendingRefunds[command.refundId];
      if (pending === undefined) return [];
      return [
        {
          type: 'PaymentRefundFailed',
          data: {
            ...base(p),
            refundId: command.refundId,
            refundAmount: pending,
            reason: command.reason,
            failedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const paymentDecider = {
  streamType: 'payment',
  initialState: initialPaymentState,
  evolve: evolvePayment,
  decide: decidePayment,
};
