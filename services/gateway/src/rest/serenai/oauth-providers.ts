import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, dataResponse, dataResponseSchema } from './route.js';
import { organizationParams as orgParams } from './shapes/organization.js';
import { OAuthProviderFields, oauthProviderSchema, oauthProviderToRest } from './shapes/oauth-provider.js';

// SerenAI "Organization OAuth provider configuration (BYOC)" (identity's src/connections/): an
// organization's own OAuth providers, read by its members and managed by those with
// org.manage_integrations. The client secret is sealed in identity's vault and never answered; every
// URL passes the outbound check (a private or loopback address is a 400). Deleting a provider
// disconnects every user of it.

const providerParams = orgParams.extend({ provider_id: z.string().min(1).describe('OAuth provider ID') });
const authParams = z
  .record(z.string(), z.string())
  .describe('Custom provider-specific authorization URL parameters (e.g., {"access_type": "offline"})');
const pairs = (params: Record<string, string> | null | undefined) =>
  params === undefined
    ? undefined
    : params === null
      ? null
      : Object.entries(params).map(([name, value]) => ({ name, value }));

const createBody = z.object({
  authorization_url: z.string(),
  client_id: z.string(),
  client_secret: z.string().describe('Client secret (will be encrypted)'),
  custom_auth_params: authParams.nullish(),
  description: z.string().nullish(),
  logo_url: z.string().nullish(),
  name: z.string(),
  pkce_required: z.boolean().optional().describe('default true'),
  revocation_url: z.string().nullish().describe('RFC 7009; connections are revoked there when disconnected'),
  scopes: z.array(z.string()),
  slug: z.string().nullish().describe('default: from the name'),
  token_url: z.string().nullish().describe('required unless issuer is given'),
  userinfo_url: z.string().nullish(),
  issuer: z.string().nullish().describe('discovery (OpenID Connect / RFC 8414); named URLs override it'),
});

const updateBody = z.object({
  authorization_url: z.string().nullish(),
  client_id: z.string().nullish(),
  client_secret: z
    .string()
    .nullish()
    .describe('Optional new client secret (will be re-encrypted). If omitted, keep existing.'),
  custom_auth_params: authParams.nullish().describe('If omitted, leave unchanged.'),
  description: z.string().nullish().describe('If omitted, leave unchanged. If null, clear.'),
  is_active: z.boolean().nullish(),
  logo_url: z.string().nullish().describe('If omitted, leave unchanged. If null, clear.'),
  name: z.string().nullish(),
  organization_id: z
    .string()
    .nullish()
    .describe(
      "If omitted, leave unchanged. Only the provider's own organization is accepted (a provider cannot move or become global).",
    ),
  pkce_required: z.boolean().nullish(),
  revocation_url: z.string().nullish(),
  scopes: z.array(z.string()).nullish(),
  slug: z.string().nullish(),
  token_url: z.string().nullish(),
  userinfo_url: z.string().nullish(),
  issuer: z.string().nullish(),
});

export const oauthProvidersRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/oauth/providers',
    section: 'oauth-providers',
    summary: 'List all OAuth providers for an organization.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams },
    operation: graphql(
      `
        query SerenaiListOrgOAuthProviders($org: ID!) {
          organizationOAuthProviders(organizationId: $org) {
            ...OAuthProviderFields
          }
        }
      `,
      [OAuthProviderFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'List of OAuth providers',
      schema: dataResponseSchema(z.array(oauthProviderSchema)),
      body: (data) => dataResponse(data.organizationOAuthProviders.map(oauthProviderToRest)),
    },
    errors: [401, 403],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/oauth/providers',
    section: 'oauth-providers',
    summary: 'Create a new OAuth provider for an organization.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgParams, body: createBody },
    operation: graphql(
      `
        mutation SerenaiCreateOrgOAuthProvider($org: ID!, $input: CreateOAuthProviderInput!) {
          createOrganizationOAuthProvider(organizationId: $org, input: $input) {
            ...OAuthProviderFields
          }
        }
      `,
      [OAuthProviderFields],
    ),
    variables: ({ params, body }) => ({
      org: params.organization_id,
      input: {
        slug: body.slug,
        name: body.name,
        description: body.description,
        logoUrl: body.logo_url,
        issuer: body.issuer,
        authorizationUrl: body.authorization_url,
        tokenUrl: body.token_url,
        revocationUrl: body.revocation_url,
        userinfoUrl: body.userinfo_url,
        scopes: body.scopes,
        pkceRequired: body.pkce_required,
        customAuthParams: pairs(body.custom_auth_params),
        clientId: body.client_id,
        clientSecret: body.client_secret,
      },
    }),
    response: {
      status: 201,
      description: 'OAuth provider created',
      schema: dataResponseSchema(oauthProviderSchema),
      body: (data) => dataResponse(oauthProviderToRest(data.createOrganizationOAuthProvider)),
    },
    errors: [400, 401, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/oauth/providers/{provider_id}',
    section: 'oauth-providers',
    summary: 'Get a specific OAuth provider for an organization.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: providerParams },
    operation: graphql(
      `
        query SerenaiGetOrgOAuthProvider($org: ID!, $id: ID!) {
          organizationOAuthProvider(organizationId: $org, providerId: $id) {
            ...OAuthProviderFields
          }
        }
      `,
      [OAuthProviderFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, id: params.provider_id }),
    response: {
      status: 200,
      description: 'OAuth provider details',
      schema: dataResponseSchema(oauthProviderSchema),
      body: (data) => dataResponse(oauthProviderToRest(data.organizationOAuthProvider)),
    },
    errors: [401, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/organizations/{organization_id}/oauth/providers/{provider_id}',
    section: 'oauth-providers',
    summary: 'Delete an OAuth provider for an organization.',
    description:
      'Disconnects every user of it (their tokens are deleted and revoked at the provider where it can).',
    auth: 'required',
    rateLimit: 'general',
    request: { params: providerParams },
    operation: graphql(`
      mutation SerenaiDeleteOrgOAuthProvider($org: ID!, $id: ID!) {
        deleteOrganizationOAuthProvider(organizationId: $org, providerId: $id) {
          id
        }
      }
    `),
    variables: ({ params }) => ({ org: params.organization_id, id: params.provider_id }),
    response: { status: 204, description: 'OAuth provider deleted' },
    errors: [401, 403, 404],
  }),
  route.operation({
    method: 'PATCH',
    path: '/organizations/{organization_id}/oauth/providers/{provider_id}',
    section: 'oauth-providers',
    summary: 'Update an OAuth provider for an organization.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: providerParams, body: updateBody },
    operation: graphql(
      `
        mutation SerenaiUpdateOrgOAuthProvider($org: ID!, $id: ID!, $input: UpdateOAuthProviderInput!) {
          updateOrganizationOAuthProvider(organizationId: $org, providerId: $id, input: $input) {
            ...OAuthProviderFields
          }
        }
      `,
      [OAuthProviderFields],
    ),
    variables: ({ params, body }) => ({
      org: params.organization_id,
      id: params.provider_id,
      input: {
        slug: body.slug,
        name: body.name,
        description: body.description,
        logoUrl: body.logo_url,
        issuer: body.issuer,
        authorizationUrl: body.authorization_url,
        tokenUrl: body.token_url,
        revocationUrl: body.revocation_url,
        userinfoUrl: body.userinfo_url,
        scopes: body.scopes,
        pkceRequired: body.pkce_required,
        customAuthParams: pairs(body.custom_auth_params),
        clientId: body.client_id,
        clientSecret: body.client_secret,
        isActive: body.is_active,
        organizationId: body.organization_id,
      },
    }),
    response: {
      status: 200,
      description: 'OAuth provider updated',
      schema: dataResponseSchema(oauthProviderSchema),
      body: (data) => dataResponse(oauthProviderToRest(data.updateOrganizationOAuthProvider)),
    },
    errors: [400, 401, 403, 404, 409],
  }),
];
