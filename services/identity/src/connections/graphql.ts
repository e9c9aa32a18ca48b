import { resolver, validationError, type Resolvers } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import type { ProviderInput } from './decide.js';
import {
  availableProviders,
  getOrganizationProvider,
  listOrganizationProviders,
  type ProviderView,
} from './providers.js';
import {
  createOrganizationProvider,
  deleteOrganizationProvider,
  listConnections,
  revokeConnection,
  updateOrganizationProvider,
} from './service.js';
import { disconnectSocialAccount, listSocialAccounts } from './social.js';
import { callerUserId } from '../platform/request.js';

type Params = { name: string; value: string }[] | null | undefined;
type Input = Omit<ProviderInput, 'customAuthParams'> & {
  customAuthParams?: Params;
  clientSecret?: string | null;
  organizationId?: string | null;
};

/** GraphQL's list of pairs → the record the decider takes (undefined stays undefined: PATCH). */
const fromGraphQL = ({ customAuthParams, ...input }: Input) => ({
  ...input,
  ...(customAuthParams !== undefined && {
    customAuthParams:
      customAuthParams === null ? null : Object.fromEntries(customAuthParams.map((p) => [p.name, p.value])),
  }),
});

export function connectionsResolvers(identity: Identity): Resolvers {
  return {
    OAuthProvider: {
      customAuthParams: (p: ProviderView) =>
        Object.entries(p.customAuthParams).map(([name, value]) => ({ name, value })),
    },
    Query: {
      oauthProviders: resolver(identity, (i, request) =>
        availableProviders(i, request, callerUserId(request)),
      ),
      oauthConnections: resolver(identity, (i, request) => listConnections(i, request)),
      organizationOAuthProviders: resolver<{ organizationId: string }>(identity, (i, request, args) =>
        listOrganizationProviders(i, request, args.organizationId),
      ),
      organizationOAuthProvider: resolver<{ organizationId: string; providerId: string }>(
        identity,
        (i, request, args) => getOrganizationProvider(i, request, args.organizationId, args.providerId),
      ),
      socialAccounts: resolver(identity, (i, request) => listSocialAccounts(i, request)),
    },
    Mutation: {
      revokeOAuthConnection: resolver<{ providerId?: string | null; providerSlug?: string | null }>(
        identity,
        (i, request, args) => {
          if (!args.providerId === !args.providerSlug)
            throw validationError('name the provider by providerId or providerSlug', { field: 'providerId' });
          return revokeConnection(
            i,
            request,
            args.providerId ? { id: args.providerId } : { slug: args.providerSlug! },
          );
        },
      ),
      createOrganizationOAuthProvider: resolver<{ organizationId: string; input: Input }>(
        identity,
        (i, request, args) =>
          createOrganizationProvider(i, request, args.organizationId, fromGraphQL(args.input)),
      ),
      updateOrganizationOAuthProvider: resolver<{ organizationId: string; providerId: string; input: Input }>(
        identity,
        (i, request, args) =>
          updateOrganizationProvider(
            i,
            request,
            args.organizationId,
            args.providerId,
            fromGraphQL(args.input),
          ),
      ),
      deleteOrganizationOAuthProvider: resolver<{ organizationId: string; providerId: string }>(
        identity,
        (i, request, args) => deleteOrganizationProvider(i, request, args.organizationId, args.providerId),
      ),
      disconnectSocialAccount: resolver<{ accountId: string }>(identity, (i, request, args) =>
        disconnectSocialAccount(i, request, args.accountId),
      ),
    },
  };
}
