import {
  StripeDepositCreated,
  StripeDepositFailed,
  StripeDepositReinstated,
  StripeDepositReversed,
  StripeDepositSucceeded,
  type EventOf,
} from '@seren/contracts';

export type DepositEvent = EventOf<
  [
    typeof StripeDepositCreated,
    typeof StripeDepositSucceeded,
    typeof StripeDepositFailed,
    typeof StripeDepositReversed,
    typeof StripeDepositReinstated,
  ]
>;

export const depositStream = (depositId: string) => `stripe-deposit-${depositId}`;

/** The spec's minimum: 500 cents ($5.00). */
export const MIN_DEPOSIT_CENTS = 500;
/** Stripe's largest amount for a USD PaymentIntent ($999,999.99). */
export const MAX_DEPOSIT_CENTS = 99_999_999;

export type DepositStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export interface TakenDispute {
  disputeId: string;
  cents: number;
  debitedAtomic: string;
  shortfallAtomic: string;
  reinstated: boolean;
}

export type DepositState =
  | { status: 'none' }
  | {
      status: DepositStatus;
      depositId: string;
      organizationId: string;
      paymentIntentId: string;
      amountCents: number;
      /** what Stripe received (a succeeded deposit), else 0 */
      amountReceivedCents: number;
      /** what refunds took back so far (Stripe's running `amount_refunded`) */
      refundedCents: number;
      /** what refunds and disputes took back so far */
      reversedCents: number;
      /** the disputes taken back, with what each took (and whether it was won back since) */
      disputes: readonly TakenDispute[];
    };

export const initialDepositState = (): DepositState => ({ status: 'none' });

export function evolveDeposit(state: DepositState, event: DepositEvent): DepositState {
  switch (event.type) {
    case 'StripeDepositCreated': {
      const { depositId, organizationId, paymentIntentId, amountCents } = event.data;
      return {
        status: 'pending',
        depositId,
        organizationId,
        paymentIntentId,
        amountCents,
        amountReceivedCents: 0,
        refundedCents: 0,
        reversedCents: 0,
        disputes: [],
      };
    }
    case 'StripeDepositSucceeded':
      return state.status === 'none'
        ? state
        : { ...state, status: 'succeeded', amountReceivedCents: event.data.amountReceivedCents };
    case 'StripeDepositReversed': {
      if (state.status === 'none') return state;
      const d = event.data;
      return {
        ...state,
        refundedCents: state.refundedCents + (d.reason === 'refund' ? d.amountCents : 0),
        reversedCents: state.reversedCents + d.amountCents,
        disputes:
          d.reason === 'dispute'
            ? [
                ...state.disputes,
                {
                  disputeId: d.stripeObjectId,
                  cents: d.amountCents,
                  debitedAtomic: d.debitedAtomic,
                  shortfallAtomic: d.shortfallAtomic,
                  reinstated: false,
                },
              ]
            : state.disputes,
      };
    }
    case 'StripeDepositReinstated': {
      if (state.status === 'none') return state;
      const d = event.data;
      return {
        ...state,
        reversedCents: state.reversedCents - d.amountCents,
        disputes: state.disputes.map((taken) =>
          taken.disputeId === d.disputeId ? { ...taken, reinstated: true } : taken,
        ),
      };
    }
    case 'StripeDepositFailed':
      return state.status === 'none' ? state : { ...state, status: event.data.status };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
