import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { recoverWallet, setupRecovery } from './service.js';

export function recoveryResolvers(identity: Identity): Resolvers {
  return {
    Mutation: {
      setupRecovery: resolver<{ email?: string | null }>(identity, (i, request, args) =>
        setupRecovery(i, request, args),
      ),
      recoverWallet: resolver<{ recoveryCode: string }>(identity, (i, request, args) =>
        recoverWallet(i, request, args),
      ),
    },
  };
}
