import { batchLoader } from '@seren/service-kit';
import type { Identity } from './platform/app.js';
import { rolesByIds } from './roles/service.js';
import { usersByIds } from './users/service.js';

/**
 * Identity's per-request DataLoaders (`context.loaders`): a list of members asks for each member's
 * user and role, and these read them with one query each instead of one per member.
 */
export function identityLoaders(identity: Identity) {
  return {
    user: batchLoader((ids: readonly string[]) => usersByIds(identity, ids)),
    role: batchLoader(
      (keys: readonly { organizationId: string; roleId: string }[]) => rolesByIds(identity, keys),
      (key) => `${key.organizationId}/${key.roleId}`,
    ),
  };
}

export type IdentityLoaders = ReturnType<typeof identityLoaders>;
