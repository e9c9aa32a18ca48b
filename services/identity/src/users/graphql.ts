import { resolver, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { upper } from '../platform/graphql.js';
import { resolveDefaultOrganization } from '../organizations/access.js';
import { findOrganization, listOrganizations } from '../organizations/service.js';
import { findUser, me, updateMe, type UserView } from './service.js';

/** The owner's private fields show only to the owner. */
const isSelf = (request: { caller: { subject?: string } }, user: UserView) =>
  request.caller.subject === user.id;

export function usersResolvers(identity: Identity): Resolvers {
  return {
    Query: {
      me: resolver(identity, async (i, request) => (request.caller.subject ? me(i, request) : null)),
    },
    Mutation: {
      updateMe: resolver<{ name?: string | null }>(identity, (i, request, args) =>
        updateMe(i, request, args),
      ),
    },
    User: {
      __resolveReference: (reference: { id: string }) => findUser(identity, reference.id),
      kind: (user: UserView) => upper(user.kind),
      defaultOrganization: resolver<unknown, UserView>(identity, async (i, request, _args, user) => {
        if (!isSelf(request, user)) return null;
        // what `default` in a path means for this caller: an API key's own organization, else the first joined
        const id = await resolveDefaultOrganization(i, request);
        return id ? findOrganization(i, id) : null;
      }),
      organizations: resolver<unknown, UserView>(identity, (i, request, _args, user) =>
        isSelf(request, user) ? listOrganizations(i, request) : [],
      ),
      hasRecoveryCode: resolver<unknown, UserView>(
        identity,
        (_i, request, _args, user) => isSelf(request, user) && user.hasRecoveryCode,
      ),
      recoveryEmail: resolver<unknown, UserView>(identity, (_i, request, _args, user) =>
        isSelf(request, user) ? user.recoveryEmail : null,
      ),
    },
  };
}
