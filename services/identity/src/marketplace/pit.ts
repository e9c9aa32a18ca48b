import type {
  EventOf,
  PrivateIntegrationTokenCreated,
  PrivateIntegrationTokenRevoked,
  PrivateIntegrationTokenRotated,
} from '@seren/contracts';
import type { UserType } from './install.js';

export type PitEvent = EventOf<
  [
    typeof PrivateIntegrationTokenCreated,
    typeof PrivateIntegrationTokenRotated,
    typeof PrivateIntegrationTokenRevoked,
  ]
>;

export const pitStream = (pitId: string) => `private-integration-${pitId}`;

export type PitState =
  | { status: 'none' }
  | {
      status: 'active' | 'revoked';
      pitId: string;
      organizationId: string;
      userType: UserType;
      secretId: string;
    };

export const initialPitState = (): PitState => ({ status: 'none' });

export function evolvePit(state: PitState, event: PitEvent): PitState {
  switch (event.type) {
    case 'PrivateIntegrationTokenCreated':
      return {
        status: 'active',
        pitId: event.data.pitId,
        organizationId: event.data.organizationId,
        userType: event.data.userType,
        secretId: event.data.secretId,
      };
    case 'PrivateIntegrationTokenRotated':
      return state.status === 'none' ? state : { ...state, secretId: event.data.secretId };
    case 'PrivateIntegrationTokenRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
