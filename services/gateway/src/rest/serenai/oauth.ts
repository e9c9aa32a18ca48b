import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import {
  OAuthConnectionFields,
  OAuthProviderFields,
  availableProviderSchema,
  availableProviderToRest,
  oauthConnectionSchema,
  oauthConnectionToRest,
} from './shapes/oauth-provider.js';

// SerenAI "OAuth connections for BYOC integrations" (identity's src/connections/): a user connects an
// account at an outside provider (global, or one of their organizations'). Authorize and callback
// answer 302s, so they forward to identity's internal routes; the lists and revocations are GraphQL.
// The callback is where the provider sends the browser back: no bearer token comes with it, the
// single-use state names the user (auth: none). Its errors are SerenAI's (bad, spent, expired or
// foreign state: 400 INVALID_STATE / STATE_MISMATCH); the outcome of a good one is a 302 to the
// frontend with `status=success|error`, `provider` and, on error, `error`.

const redirectQuery = z.object({
  redirect_uri: z
    .string()
    .optional()
    .describe(
      'Where to redirect after OAuth completes: a frontend URL of the allowlist (else 400 INVALID_REDIRECT_URI)',
    ),
});
const callbackQuery = z.object({
  code: z.string().describe('Authorization code from provider'),
  state: z.string().describe('State parameter for CSRF verification'),
});
const revokeResponse = z.object({ message: z.string(), success: z.boolean() });
const slugParams = z.object({ provider: z.string().min(1).describe('OAuth provider slug') });
const idParams = z.object({ provider_id: z.string().min(1).describe('OAuth provider UUID') });

export const oauthRoutes = [
  route.operation({
    method: 'GET',
    path: '/oauth/connections',
    section: 'oauth',
    summary: "List user's OAuth connections",
    description: 'Returns all OAuth providers the user has connected to (never a token).',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListOAuthConnections {
          oauthConnections {
            ...OAuthConnectionFields
          }
        }
      `,
      [OAuthConnectionFields],
    ),
    response: {
      status: 200,
      description: "List of user's OAuth connections",
      schema: z.object({ connections: z.array(oauthConnectionSchema) }),
      body: (data) => ({ connections: data.oauthConnections.map(oauthConnectionToRest) }),
    },
    errors: [],
  }),
  route.operation({
    method: 'DELETE',
    path: '/oauth/connections/providers/{provider_id}',
    section: 'oauth',
    summary: 'Revoke an OAuth connection by provider ID (supports org-scoped providers)',
    description:
      'Deletes the stored tokens and, where the provider has an RFC 7009 endpoint, revokes them there.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ provider_id: z.string().min(1) }) },
    operation: graphql(`
      mutation SerenaiRevokeOAuthConnectionById($id: ID!) {
        revokeOAuthConnection(providerId: $id) {
          success
          message
        }
      }
    `),
    variables: ({ params }) => ({ id: params.provider_id }),
    response: {
      status: 200,
      description: 'Connection revoked successfully',
      schema: revokeResponse,
      body: (data) => data.revokeOAuthConnection,
    },
    errors: [404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/oauth/connections/{provider}',
    section: 'oauth',
    summary: 'Revoke an OAuth connection',
    description: "Disconnects the user's account from the OAuth provider and deletes stored tokens.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ provider: z.string().min(1) }) },
    operation: graphql(`
      mutation SerenaiRevokeOAuthConnection($slug: String!) {
        revokeOAuthConnection(providerSlug: $slug) {
          success
          message
        }
      }
    `),
    variables: ({ params }) => ({ slug: params.provider }),
    response: {
      status: 200,
      description: 'Connection revoked successfully',
      schema: revokeResponse,
      body: (data) => data.revokeOAuthConnection,
    },
    errors: [404],
  }),
  route.operation({
    method: 'GET',
    path: '/oauth/providers',
    section: 'oauth',
    summary: 'List available OAuth providers',
    description:
      'Returns all active OAuth providers that users can connect to, including global providers and providers from organizations the user belongs to.',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListOAuthProviders {
          oauthProviders {
            ...OAuthProviderFields
          }
        }
      `,
      [OAuthProviderFields],
    ),
    response: {
      status: 200,
      description: 'List of available OAuth providers',
      schema: z.object({ providers: z.array(availableProviderSchema) }),
      body: (data) => ({ providers: data.oauthProviders.map(availableProviderToRest) }),
    },
    errors: [],
  }),
  route.forward({
    method: 'GET',
    path: '/oauth/providers/{provider_id}/authorize',
    section: 'oauth',
    summary: 'Initiate OAuth authorization flow by provider ID (supports org-scoped providers)',
    description:
      "302 to the provider with a state bound to the caller and the provider (single use, 10 minutes), PKCE S256 where the provider supports it, and the provider's scopes.",
    auth: 'required',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/oauth/providers/{provider_id}/authorize' },
    request: { params: idParams, query: redirectQuery },
    response: { status: 302, description: 'Redirect to OAuth provider' },
    errors: [400, 404, 502],
  }),
  route.forward({
    method: 'GET',
    path: '/oauth/providers/{provider_id}/callback',
    section: 'oauth',
    summary: 'Handle OAuth callback by provider ID (supports org-scoped providers)',
    auth: 'none',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/oauth/providers/{provider_id}/callback' },
    request: { params: idParams, query: callbackQuery },
    response: { status: 302, description: 'Redirect to frontend with success/error' },
    errors: [400, 404],
  }),
  route.forward({
    method: 'GET',
    path: '/oauth/{provider}/authorize',
    section: 'oauth',
    summary: 'Initiate OAuth authorization flow',
    description:
      "Redirects the user to the OAuth provider's consent screen. After authorization, the provider will redirect back to the callback URL.",
    auth: 'required',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/oauth/{provider}/authorize' },
    request: { params: slugParams, query: redirectQuery },
    response: { status: 302, description: 'Redirect to OAuth provider' },
    errors: [400, 404, 502],
  }),
  route.forward({
    method: 'GET',
    path: '/oauth/{provider}/callback',
    section: 'oauth',
    summary: 'Handle OAuth callback',
    description:
      'Called by the OAuth provider after the user authorizes. Exchanges the authorization code for tokens and stores them.',
    auth: 'none',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/oauth/{provider}/callback' },
    request: { params: slugParams, query: callbackQuery },
    response: { status: 302, description: 'Redirect to frontend with success/error' },
    errors: [400],
  }),
];
