import {
  DefaultPaymentMethodChanged,
  PaymentMethodAttached,
  PaymentMethodRemoved,
  type EventOf,
} from '@seren/contracts';

export type PaymentMethodEvent = EventOf<
  [typeof PaymentMethodAttached, typeof DefaultPaymentMethodChanged, typeof PaymentMethodRemoved]
>;

/** All of one organization's payment methods: one stream, so "one default at a time" is decided once. */
export const paymentMethodsStream = (organizationId: string) => `payment-methods-${organizationId}`;

export interface PaymentMethodsState {
  /** attached and not removed, oldest first */
  methods: { paymentMethodId: string; stripePaymentMethodId: string }[];
  defaultId: string | null;
}

export const initialPaymentMethodsState = (): PaymentMethodsState => ({ methods: [], defaultId: null });

export function evolvePaymentMethods(
  state: PaymentMethodsState,
  event: PaymentMethodEvent,
): PaymentMethodsState {
  switch (event.type) {
    case 'PaymentMethodAttached': {
      const { paymentMethodId, stripePaymentMethodId } = event.data;
      return { ...state, methods: [...state.methods, { paymentMethodId, stripePaymentMethodId }] };
    }
    case 'DefaultPaymentMethodChanged':
      return { ...state, defaultId: event.data.paymentMethodId };
    case 'PaymentMethodRemoved':
      return {
        methods: state.methods.filter((m) => m.paymentMethodId !== event.data.paymentMethodId),
        defaultId: state.defaultId === event.data.paymentMethodId ? null : state.defaultId,
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
