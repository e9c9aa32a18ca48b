import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import type { VaultKind } from './credential.js';
import { deleteVaultCredential, listVaultCredentials, storeVaultCredential } from './service.js';

export function vaultResolvers(identity: Identity): Resolvers {
  return {
    VaultCredentialKind: {
      API_KEY: 'api_key',
      OAUTH_TOKEN: 'oauth_token',
      PASSWORD: 'password',
      OTHER: 'other',
    },
    Query: {
      vaultCredentials: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listVaultCredentials(i, request, args.organizationId),
      ),
    },
    Mutation: {
      storeVaultCredential: resolver<{
        organizationId: string;
        name: string;
        kind?: VaultKind | null;
        value: string;
      }>(identity, (i, request, { organizationId, ...input }) =>
        storeVaultCredential(i, request, organizationId, input),
      ),
      deleteVaultCredential: resolver<{ organizationId: string; credentialId: string }>(
        identity,
        (i, request, args) => deleteVaultCredential(i, request, args.organizationId, args.credentialId),
      ),
    },
  };
}
