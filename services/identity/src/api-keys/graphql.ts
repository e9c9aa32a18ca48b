import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { createApiKey, listApiKeys, revokeApiKey } from './service.js';

export function apiKeysResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      apiKeys: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listApiKeys(i, request, args.organizationId),
      ),
    },
    Mutation: {
      createApiKey: resolver<{ organizationId: string; name: string; expiresInDays?: number | null }>(
        identity,
        (i, request, args) =>
          createApiKey(i, request, args.organizationId, {
            name: args.name,
            expiresInDays: args.expiresInDays,
          }),
      ),
      revokeApiKey: resolver<{ organizationId: string; keyId: string }>(identity, (i, request, args) =>
        revokeApiKey(i, request, args.organizationId, args.keyId),
      ),
    },
  };
}
