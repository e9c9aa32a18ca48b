import {
  StripeDepositCreated,
  StripeDepositFailed,
  StripeDepositSucceeded,
  type EventOf,
} from '@seren/contracts';

export type DepositEvent = EventOf<
  [typeof StripeDepositCreated, typeof StripeDepositSucceeded, typeof StripeDepositFailed]
>;

export const depositStream = (depositId: string) => `stripe-deposit-${depositId}`;

/** The spec's minimum: 500 cents ($5.00). */
export const MIN_DEPOSIT_CENTS = 500;
/** Stripe's largest amount for a USD PaymentIntent ($999,999.99). */
export const MAX_DEPOSIT_CENTS = 99_999_999;

export type DepositStatus = 'pending' | 'succeeded' | 'failed' | 'canceled';

export type DepositState =
  | { status: 'none' }
  | {
      status: DepositStatus;
      depositId: string;
      organizationId: string;
      paymentIntentId: string;
      amountCents: number;
    };

export const initialDepositState = (): DepositState => ({ status: 'none' });

export function evolveDeposit(state: DepositState, event: DepositEvent): DepositState {
  switch (event.type) {
    case 'StripeDepositCreated': {
      const { depositId, organizationId, paymentIntentId, amountCents } = event.data;
      return { status: 'pending', depositId, organizationId, paymentIntentId, amountCents };
    }
    case 'StripeDepositSucceeded':
      return state.status === 'none' ? state : { ...state, status: 'succeeded' };
    case 'StripeDepositFailed':
      return state.status === 'none' ? state : { ...state, status: event.data.status };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
