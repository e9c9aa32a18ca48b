import type { EventOf, VaultCredentialDeleted, VaultCredentialSealed } from '@seren/contracts';

export type VaultEvent = EventOf<[typeof VaultCredentialSealed, typeof VaultCredentialDeleted]>;

export const vaultStream = (credentialId: string) => `vault-credential-${credentialId}`;

export type VaultKind = 'api_key' | 'oauth_token' | 'password' | 'other';

export type VaultState =
  | { status: 'none' }
  | { status: 'sealed' | 'deleted'; credentialId: string; organizationId: string; name: string };

export const initialVaultState = (): VaultState => ({ status: 'none' });

export function evolveVault(state: VaultState, event: VaultEvent): VaultState {
  switch (event.type) {
    case 'VaultCredentialSealed':
      return {
        status: 'sealed',
        credentialId: event.data.credentialId,
        organizationId: event.data.organizationId,
        name: event.data.name,
      };
    case 'VaultCredentialDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
