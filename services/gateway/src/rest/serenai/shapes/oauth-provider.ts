import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's OAuth providers (identity's src/connections/): global ones from configuration and an
// organization's own (BYOC). The client secret is sealed and never part of any shape.

export const OAuthProviderFields = graphql(`
  fragment OAuthProviderFields on OAuthProvider {
    id
    organizationId
    slug
    name
    description
    logoUrl
    issuer
    authorizationUrl
    tokenUrl
    revocationUrl
    userinfoUrl
    scopes
    pkceRequired
    customAuthParams {
      name
      value
    }
    clientId
    isActive
    createdAt
    updatedAt
  }
`);

export const oauthProviderSchema = z.object({
  id: z.string(),
  organization_id: z.string().nullable().describe('null for a global provider'),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  logo_url: z.string().nullable(),
  issuer: z.string().nullable().describe('OpenID Connect / RFC 8414 discovery'),
  authorization_url: z.string().nullable(),
  token_url: z.string().nullable(),
  revocation_url: z.string().nullable(),
  userinfo_url: z.string().nullable(),
  scopes: z.array(z.string()),
  pkce_required: z.boolean(),
  custom_auth_params: z.record(z.string(), z.string()),
  client_id: z.string(),
  is_active: z.boolean(),
  created_at: z.string().nullable(),
  updated_at: z.string().nullable(),
});

export function oauthProviderToRest(
  ref: FragmentOf<typeof OAuthProviderFields>,
): z.input<typeof oauthProviderSchema> {
  const p = readFragment(OAuthProviderFields, ref);
  return {
    id: p.id,
    organization_id: p.organizationId,
    slug: p.slug,
    name: p.name,
    description: p.description,
    logo_url: p.logoUrl,
    issuer: p.issuer,
    authorization_url: p.authorizationUrl,
    token_url: p.tokenUrl,
    revocation_url: p.revocationUrl,
    userinfo_url: p.userinfoUrl,
    scopes: p.scopes,
    pkce_required: p.pkceRequired,
    custom_auth_params: Object.fromEntries(p.customAuthParams.map((a) => [a.name, a.value])),
    client_id: p.clientId,
    is_active: p.isActive,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

/** What `GET /oauth/providers` shows a user: enough to offer a connect button (no endpoints, no client id). */
export const availableProviderSchema = oauthProviderSchema.pick({
  id: true,
  organization_id: true,
  slug: true,
  name: true,
  description: true,
  logo_url: true,
  scopes: true,
  pkce_required: true,
});

export function availableProviderToRest(
  ref: FragmentOf<typeof OAuthProviderFields>,
): z.input<typeof availableProviderSchema> {
  const { id, organization_id, slug, name, description, logo_url, scopes, pkce_required } =
    oauthProviderToRest(ref);
  return { id, organization_id, slug, name, description, logo_url, scopes, pkce_required };
}

export const OAuthConnectionFields = graphql(`
  fragment OAuthConnectionFields on OAuthConnection {
    id
    providerId
    providerSlug
    providerName
    organizationId
    accountId
    accountName
    scopes
    expiresAt
    connectedAt
  }
`);

export const oauthConnectionSchema = z.object({
  id: z.string(),
  provider_id: z.string(),
  provider: z.string().describe('the provider slug'),
  provider_name: z.string().nullable(),
  organization_id: z.string().nullable().describe("the provider's organization; null for a global provider"),
  account_id: z.string().nullable().describe("the user's account id at the provider"),
  account_name: z.string().nullable(),
  scopes: z.array(z.string()),
  expires_at: z.string().nullable().describe("the access token's expiry (it is refreshed on use)"),
  connected_at: z.string(),
});

export function oauthConnectionToRest(
  ref: FragmentOf<typeof OAuthConnectionFields>,
): z.input<typeof oauthConnectionSchema> {
  const c = readFragment(OAuthConnectionFields, ref);
  return {
    id: c.id,
    provider_id: c.providerId,
    provider: c.providerSlug,
    provider_name: c.providerName,
    organization_id: c.organizationId,
    account_id: c.accountId,
    account_name: c.accountName,
    scopes: c.scopes,
    expires_at: c.expiresAt,
    connected_at: c.connectedAt,
  };
}
