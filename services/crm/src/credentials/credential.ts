import {
  CredentialCreated,
  CredentialDeleted,
  CredentialRotated,
  type CredentialKind,
  type EventOf,
} from '@seren/contracts';

export type CredentialEvent = EventOf<
  [typeof CredentialCreated, typeof CredentialRotated, typeof CredentialDeleted]
>;

export const credentialStream = (credentialId: string) => `credential-${credentialId}`;

export type CredentialState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      credentialId: string;
      locationId: string;
      name: string;
      kind: CredentialKind;
      /** the secrets' version: 1 at creation, + 1 per rotation */
      version: number;
      keys: string[];
    };

export const initialCredentialState = (): CredentialState => ({ status: 'none' });

export function evolveCredential(state: CredentialState, event: CredentialEvent): CredentialState {
  switch (event.type) {
    case 'CredentialCreated': {
      const d = event.data;
      return {
        status: 'active',
        credentialId: d.credentialId,
        locationId: d.locationId,
        name: d.name,
        kind: d.kind,
        version: 1,
        keys: d.values.map((v) => v.key),
      };
    }
    case 'CredentialRotated':
      return state.status === 'none'
        ? state
        : { ...state, version: event.data.version, keys: event.data.values.map((v) => v.key) };
    case 'CredentialDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
