import {
  PaymentConnectionCreated,
  PaymentConnectionDisconnected,
  PaymentConnectionKeysChanged,
  type EventOf,
  type paymentModes,
} from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import type { PaymentProvider } from './payment.js';

// A location's connection to a payment provider (Stripe, or a custom provider in HighLevel's
// model), with keys per mode: `test` (the spec's sandbox) and `live`. The keys themselves are in
// the credential store (secrets.ts); the connection names them by credential id.

export type PaymentConnectionEvent = EventOf<
  [typeof PaymentConnectionCreated, typeof PaymentConnectionKeysChanged, typeof PaymentConnectionDisconnected]
>;

export type PaymentMode = (typeof paymentModes)[number];

export const paymentConnectionStream = (connectionId: string) => `payment-connection-${connectionId}`;

export interface ModeKeys {
  credentialId: string;
  masked: Record<string, string>;
}

export interface PaymentConnection {
  connectionId: string;
  locationId: string;
  provider: PaymentProvider;
  name: string;
  description: string | null;
  paymentsUrl: string | null;
  queryUrl: string | null;
  imageUrl: string | null;
  keys: Partial<Record<PaymentMode, ModeKeys>>;
}

export type PaymentConnectionState =
  { status: 'none' } | { status: 'active' | 'disconnected'; connection: PaymentConnection };

export const initialPaymentConnectionState = (): PaymentConnectionState => ({ status: 'none' });

export function evolvePaymentConnection(
  state: PaymentConnectionState,
  event: PaymentConnectionEvent,
): PaymentConnectionState {
  switch (event.type) {
    case 'PaymentConnectionCreated': {
      const { createdAt: _createdAt, ...connection } = event.data;
      return { status: 'active', connection: { ...connection, keys: {} } };
    }
    case 'PaymentConnectionKeysChanged':
      if (state.status === 'none') return state;
      return {
        ...state,
        connection: {
          ...state.connection,
          keys: { ...state.connection.keys, [event.data.mode]: event.data.keys },
        },
      };
    case 'PaymentConnectionDisconnected':
      return state.status === 'none' ? state : { ...state, status: 'disconnected' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type PaymentConnectionCommand =
  | {
      type: 'CreatePaymentConnection';
      connectionId: string;
      locationId: string;
      provider: PaymentProvider;
      name: string;
      description: string | null;
      paymentsUrl: string | null;
      queryUrl: string | null;
      imageUrl: string | null;
      now: string;
    }
  | {
      type: 'ChangePaymentConnectionKeys';
      locationId: string;
      mode: PaymentMode;
      keys: ModeKeys;
      now: string;
    }
  | { type: 'DisconnectPaymentConnection'; locationId: string; now: string };

export type PaymentConnectionReason = 'PAYMENT_CONNECTION_EXISTS';
export const connectionErrors = domainErrorsOf<PaymentConnectionReason>();

function live(state: PaymentConnectionState, locationId: string): PaymentConnection {
  if (state.status !== 'active' || state.connection.locationId !== locationId)
    throw connectionErrors.notFound('payment connection');
  return state.connection;
}

export function decidePaymentConnection(
  command: PaymentConnectionCommand,
  state: PaymentConnectionState,
): PaymentConnectionEvent[] {
  switch (command.type) {
    case 'CreatePaymentConnection': {
      if (state.status !== 'none')
        throw connectionErrors.conflict('payment connection already exists', {
          reason: 'PAYMENT_CONNECTION_EXISTS',
        });
      const { type: _type, now, ...data } = command;
      return [{ type: 'PaymentConnectionCreated', data: { ...data, createdAt: now } }];
    }
    case 'ChangePaymentConnectionKeys': {
      const c = live(state, command.locationId);
      return [
        {
          type: 'PaymentConnectionKeysChanged',
          data: {
            connectionId: c.connectionId,
            locationId: c.locationId,
            mode: command.mode,
            keys: command.keys,
            setAt: command.now,
          },
        },
      ];
    }
    case 'DisconnectPaymentConnection': {
      if (state.status === 'disconnected' && state.connection.locationId === command.locationId) return [];
      const c = live(state, command.locationId);
      return [
        {
          type: 'PaymentConnectionDisconnected',
          data: { connectionId: c.connectionId, locationId: c.locationId, disconnectedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const paymentConnectionDecider = {
  streamType: 'payment_connection',
  initialState: initialPaymentConnectionState,
  evolve: evolvePaymentConnection,
  decide: decidePaymentConnection,
};
