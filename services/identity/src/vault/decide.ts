import { notFound, validationError } from '@seren/service-kit/errors';
import {
  evolveVault,
  initialVaultState,
  type VaultEvent,
  type VaultKind,
  type VaultState,
} from './credential.js';

const KINDS: readonly VaultKind[] = ['api_key', 'oauth_token', 'password', 'other'];
/** The longest value the vault seals (an OAuth token with its JSON, a PEM key): 16 KiB. */
export const MAX_VALUE_LENGTH = 16_384;

export type VaultCommand =
  | {
      type: 'SealCredential';
      credentialId: string;
      organizationId: string;
      name: unknown;
      kind: unknown;
      /** the masked value (the application layer masks; the clear value never reaches an event) */
      masked: string;
      by: string | null;
      now: string;
    }
  | { type: 'DeleteCredential'; by: string | null; now: string };

export function vaultName(value: unknown): string {
  const name = typeof value === 'string' ? value.trim() : '';
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._:/-]{0,99}$/.test(name))
    throw validationError('name: 1 to 100 letters, digits, spaces or ._:/-', { field: 'name' });
  return name;
}

export function vaultValue(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_VALUE_LENGTH)
    throw validationError(`value: 1 to ${MAX_VALUE_LENGTH} characters`, { field: 'value' });
  return value;
}

export function decideVault(command: VaultCommand, state: VaultState): VaultEvent[] {
  switch (command.type) {
    case 'SealCredential': {
      const kind = command.kind ?? 'other';
      if (!KINDS.includes(kind as VaultKind))
        throw validationError(`kind: one of ${KINDS.join(', ')}`, { field: 'kind' });
      return [
        {
          type: 'VaultCredentialSealed',
          data: {
            credentialId: command.credentialId,
            organizationId: command.organizationId,
            name: vaultName(command.name),
            kind: kind as VaultKind,
            masked: command.masked,
            sealedBy: command.by,
            sealedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteCredential':
      if (state.status !== 'sealed') throw notFound('credential');
      return [
        {
          type: 'VaultCredentialDeleted',
          data: {
            credentialId: state.credentialId,
            organizationId: state.organizationId,
            deletedBy: command.by,
            deletedAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      throw new Error(`unknown command ${(unknown as { type: string }).type}`);
    }
  }
}

export const vaultDecider = {
  streamType: 'vault_credential',
  initialState: initialVaultState,
  evolve: evolveVault,
  decide: decideVault,
};
