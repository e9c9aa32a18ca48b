import {
  ChargeCreated,
  ChargeRefunded,
  ChargeSlashed,
  PublisherRegistered,
  type EventOf,
} from '@seren/contracts';

export type PublisherEvent = EventOf<[typeof PublisherRegistered]>;
export type ChargeEvent = EventOf<[typeof ChargeCreated, typeof ChargeRefunded, typeof ChargeSlashed]>;

export const publisherStream = (publisherId: string) => `publisher-${publisherId}`;
export const chargeStream = (chargeId: string) => `charge-${chargeId}`;

/** A charge as its events left it. Amounts are USDC atomic units. */
export type ChargeState =
  | { status: 'none' }
  | {
      status: 'succeeded' | 'refunded';
      chargeId: string;
      publisherId: string;
      agentOrganizationId: string;
      amount: bigint;
      fromPromotional: bigint;
      fromFunded: bigint;
      /** what went back to the agent so far: refund and slashes */
      returned: bigint;
      refunded: bigint;
      slashed: bigint;
      /** how many slashes: the next one's ledger reference */
      slashes: number;
    };

export const initialChargeState = (): ChargeState => ({ status: 'none' });

export function evolveCharge(state: ChargeState, event: ChargeEvent): ChargeState {
  switch (event.type) {
    case 'ChargeCreated': {
      const d = event.data;
      return {
        status: 'succeeded',
        chargeId: d.chargeId,
        publisherId: d.publisherId,
        agentOrganizationId: d.agentOrganizationId,
        amount: BigInt(d.amountAtomic),
        fromPromotional: BigInt(d.fromPromotionalAtomic),
        fromFunded: BigInt(d.fromFundedAtomic),
        returned: 0n,
        refunded: 0n,
        slashed: 0n,
        slashes: 0,
      };
    }
    case 'ChargeRefunded':
      if (state.status === 'none') return state;
      return {
        ...state,
        status: 'refunded',
        refunded: BigInt(event.data.refundedAtomic),
        returned: state.returned + BigInt(event.data.refundedAtomic),
      };
    case 'ChargeSlashed':
      if (state.status === 'none') return state;
      return {
        ...state,
        slashed: state.slashed + BigInt(event.data.slashAtomic),
        returned: state.returned + BigInt(event.data.slashAtomic),
        slashes: state.slashes + 1,
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
