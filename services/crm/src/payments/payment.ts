import {
  PaymentFailed,
  PaymentIntentCanceled,
  PaymentIntentConfirmed,
  PaymentIntentCreated,
  PaymentRefunded,
  PaymentRefundFailed,
  PaymentRefundRequested,
  PaymentSucceeded,
  type EventOf,
  type paymentProviders,
} from '@seren/contracts';

export type PaymentEvent = EventOf<
  [
    typeof PaymentIntentCreated,
    typeof PaymentIntentConfirmed,
    typeof PaymentIntentCanceled,
    typeof PaymentSucceeded,
    typeof PaymentFailed,
    typeof PaymentRefundRequested,
    typeof PaymentRefunded,
    typeof PaymentRefundFailed,
  ]
>;

export type PaymentProvider = (typeof paymentProviders)[number];

export const paymentStream = (paymentId: string) => `payment-${paymentId}`;

/**
 * An intent's status, Stripe's words where they fit: `requires_confirmation` (created),
 * `processing` (confirmed, the outcome not known yet), `failed` (the last attempt failed; it may be
 * confirmed again), `succeeded`, `partially_refunded`, `refunded`, `canceled`.
 */
export type PaymentStatus =
  | 'requires_confirmation'
  | 'processing'
  | 'failed'
  | 'succeeded'
  | 'partially_refunded'
  | 'refunded'
  | 'canceled';

export interface Payment {
  paymentId: string;
  locationId: string;
  contactId: string;
  connectionId: string;
  provider: PaymentProvider;
  liveMode: boolean;
  providerPaymentId: string;
  amount: number;
  currency: string;
  status: PaymentStatus;
  amountCaptured: number;
  amountRefunded: number;
  /** refunds asked of the provider and not answered yet, by refund id: their amounts are held */
  pendingRefunds: Record<string, number>;
  /** every refund id already settled (refunded or failed), so a repeated report changes nothing */
  settledRefunds: string[];
}

export type PaymentState = { status: 'none' } | { status: 'created'; payment: Payment };

export const initialPaymentState = (): PaymentState => ({ status: 'none' });

/** What may still be refunded: captured, less refunded, less what pending refunds hold. */
export const refundable = (payment: Payment) =>
  payment.amountCaptured -
  payment.amountRefunded -
  Object.values(payment.pendingRefunds).reduce((sum, amount) => sum + amount, 0);

const withoutRefund = (pending: Record<string, number>, refundId: string) => {
  const { [refundId]: _settled, ...rest } = pending;
  return rest;
};

export function evolvePayment(state: PaymentState, event: PaymentEvent): PaymentState {
  if (event.type === 'PaymentIntentCreated') {
    const d = event.data;
    return {
      status: 'created',
      payment: {
        paymentId: d.paymentId,
        locationId: d.locationId,
        contactId: d.contactId,
        connectionId: d.connectionId,
        provider: d.provider,
        liveMode: d.liveMode,
        providerPaymentId: d.providerPaymentId,
        amount: d.amount,
        currency: d.currency,
        status: 'requires_confirmation',
        amountCaptured: 0,
        amountRefunded: 0,
        pendingRefunds: {},
        settledRefunds: [],
      },
    };
  }
  if (state.status === 'none') return state;
  const payment = state.payment;
  const next = (changes: Partial<Payment>): PaymentState => ({
    status: 'created',
    payment: { ...payment, ...changes },
  });
  switch (event.type) {
    case 'PaymentIntentConfirmed':
      return next({ status: 'processing' });
    case 'PaymentIntentCanceled':
      return next({ status: 'canceled' });
    case 'PaymentSucceeded':
      return next({ status: 'succeeded', amountCaptured: event.data.amountCaptured });
    case 'PaymentFailed':
      return next({ status: 'failed' });
    case 'PaymentRefundRequested':
      return next({
        pendingRefunds: { ...payment.pendingRefunds, [event.data.refundId]: event.data.refundAmount },
      });
    case 'PaymentRefunded':
      return next({
        amountRefunded: event.data.amountRefunded,
        status: event.data.amountRefunded >= payment.amountCaptured ? 'refunded' : 'partially_refunded',
        pendingRefunds: withoutRefund(payment.pendingRefunds, event.data.refundId),
        settledRefunds: [...payment.settledRefunds, event.data.refundId],
      });
    case 'PaymentRefundFailed':
      return next({
        pendingRefunds: withoutRefund(payment.pendingRefunds, event.data.refundId),
        settledRefunds: [...payment.settledRefunds, event.data.refundId],
      });
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
