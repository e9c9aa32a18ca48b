import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolvePaymentMethods,
  initialPaymentMethodsState,
  type PaymentMethodEvent,
  type PaymentMethodsState,
} from './payment-methods.js';

export interface AttachedCard {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export type PaymentMethodCommand =
  | {
      type: 'AttachPaymentMethod';
      organizationId: string;
      paymentMethodId: string;
      stripePaymentMethodId: string;
      stripeCustomerId: string;
      methodType: string;
      card: AttachedCard | null;
      setAsDefault: boolean;
      by: string;
      now: string;
    }
  | { type: 'SetDefaultPaymentMethod'; organizationId: string; paymentMethodId: string; now: string }
  | { type: 'RemovePaymentMethod'; organizationId: string; paymentMethodId: string; by: string; now: string };

export type PaymentMethodReason = 'PAYMENT_METHOD_ATTACHED';
const errors = domainErrorsOf<PaymentMethodReason>();

const STRIPE_PAYMENT_METHOD_ID = /^(pm|card|src)_[A-Za-z0-9_]{1,250}$/;

/** A Stripe payment method id (`pm_...`; older `card_`/`src_` ids too), checked before Stripe is asked. */
export function checkStripePaymentMethodId(raw: string): string {
  const id = raw.trim();
  if (!STRIPE_PAYMENT_METHOD_ID.test(id))
    throw errors.validationError('stripe_payment_method_id must be a Stripe payment method id (pm_...)', {
      field: 'stripe_payment_method_id',
    });
  return id;
}

/**
 * The first method becomes the default whatever was asked (an organization with methods always has
 * a default); removing the default makes the newest remaining one the default.
 */
export function decidePaymentMethods(
  command: PaymentMethodCommand,
  state: PaymentMethodsState,
): PaymentMethodEvent[] {
  switch (command.type) {
    case 'AttachPaymentMethod': {
      if (state.methods.some((m) => m.stripePaymentMethodId === command.stripePaymentMethodId))
        throw errors.conflict('payment method already attached', { reason: 'PAYMENT_METHOD_ATTACHED' });
      const events: PaymentMethodEvent[] = [
        {
          type: 'PaymentMethodAttached',
          data: {
            paymentMethodId: command.paymentMethodId,
            organizationId: command.organizationId,
            stripePaymentMethodId: command.stripePaymentMethodId,
            stripeCustomerId: command.stripeCustomerId,
            type: command.methodType,
            card: command.card,
            addedBy: command.by,
            attachedAt: command.now,
          },
        },
      ];
      if (command.setAsDefault || state.defaultId === null)
        events.push({
          type: 'DefaultPaymentMethodChanged',
          data: {
            organizationId: command.organizationId,
            paymentMethodId: command.paymentMethodId,
            changedAt: command.now,
          },
        });
      return events;
    }
    case 'SetDefaultPaymentMethod': {
      if (!state.methods.some((m) => m.paymentMethodId === command.paymentMethodId))
        throw errors.notFound('payment method');
      if (state.defaultId === command.paymentMethodId) return [];
      return [
        {
          type: 'DefaultPaymentMethodChanged',
          data: {
            organizationId: command.organizationId,
            paymentMethodId: command.paymentMethodId,
            changedAt: command.now,
          },
        },
      ];
    }
    case 'RemovePaymentMethod': {
      const method = state.methods.find((m) => m.paymentMethodId === command.paymentMethodId);
      if (!method) throw errors.notFound('payment method');
      const events: PaymentMethodEvent[] = [
        {
          type: 'PaymentMethodRemoved',
          data: {
            paymentMethodId: method.paymentMethodId,
            organizationId: command.organizationId,
            stripePaymentMethodId: method.stripePaymentMethodId,
            removedBy: command.by,
            removedAt: command.now,
          },
        },
      ];
      if (state.defaultId === method.paymentMethodId) {
        const remaining = state.methods.filter((m) => m.paymentMethodId !== method.paymentMethodId);
        events.push({
          type: 'DefaultPaymentMethodChanged',
          data: {
            organizationId: command.organizationId,
            paymentMethodId: remaining.at(-1)?.paymentMethodId ?? null,
            changedAt: command.now,
          },
        });
      }
      return events;
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const paymentMethodsDecider = {
  streamType: 'payment_methods',
  initialState: initialPaymentMethodsState,
  evolve: evolvePaymentMethods,
  decide: decidePaymentMethods,
};
