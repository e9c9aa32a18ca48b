import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's publisher (the spec's PublisherResponse, "excludes sensitive fields"), its per-asset
// pricing (PricingConfigResponse) and the create/update bodies. The settings are commerce's
// catalog (services/commerce/src/publishers/fields.ts, README "Publishers"), by the names the
// spec's bodies use; GraphQL spells them in camelCase. Secrets are accepted, never answered:
// `has_<secret>` says whether one is set. The store's readers get null for how the upstream is
// reached (commerce decides that: its owner-only fields).

export const PublisherPricingFields = graphql(`
  fragment PublisherPricingFields on PublisherPricing {
    publisherId
    assetId
    assetSymbol
    pricePerCall
    pricePerGet
    pricePerPost
    pricePerPut
    pricePerPatch
    pricePerDelete
    pricePerExecution
    basePricePer1000Rows
    markupMultiplier
    minCharge
    maxCharge
    minDisplayPrice
    minimumBalance
    lowBalanceThreshold
    hourlyRate
    gracePeriodMinutes
    maxQueriesPerMinute
    freeQueriesPerDay
    createdAt
    updatedAt
  }
`);

export const pricingConfigSchema = z.object({
  publisher_id: z.string(),
  asset_id: z.string(),
  asset_symbol: z.string(),
  price_per_call: z.string().nullable(),
  price_per_get: z.string().nullable(),
  price_per_post: z.string().nullable(),
  price_per_put: z.string().nullable(),
  price_per_patch: z.string().nullable(),
  price_per_delete: z.string().nullable(),
  price_per_execution: z.string().nullable(),
  base_price_per_1000_rows: z.string().nullable(),
  markup_multiplier: z.string().nullable(),
  min_charge: z.string().nullable(),
  max_charge: z.string().nullable(),
  min_display_price: z.string().nullable(),
  minimum_balance: z.string().nullable(),
  low_balance_threshold: z.string().nullable(),
  hourly_rate: z.string().nullable(),
  grace_period_minutes: z.number().int().nullable(),
  max_queries_per_minute: z.number().int().nullable(),
  free_queries_per_day: z.number().int().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function pricingConfigToRest(
  ref: FragmentOf<typeof PublisherPricingFields>,
): z.input<typeof pricingConfigSchema> {
  const p = readFragment(PublisherPricingFields, ref);
  return {
    publisher_id: p.publisherId,
    asset_id: p.assetId,
    asset_symbol: p.assetSymbol,
    price_per_call: p.pricePerCall,
    price_per_get: p.pricePerGet,
    price_per_post: p.pricePerPost,
    price_per_put: p.pricePerPut,
    price_per_patch: p.pricePerPatch,
    price_per_delete: p.pricePerDelete,
    price_per_execution: p.pricePerExecution,
    base_price_per_1000_rows: p.basePricePer1000Rows,
    markup_multiplier: p.markupMultiplier,
    min_charge: p.minCharge,
    max_charge: p.maxCharge,
    min_display_price: p.minDisplayPrice,
    minimum_balance: p.minimumBalance,
    low_balance_threshold: p.lowBalanceThreshold,
    hourly_rate: p.hourlyRate,
    grace_period_minutes: p.gracePeriodMinutes,
    max_queries_per_minute: p.maxQueriesPerMinute,
    free_queries_per_day: p.freeQueriesPerDay,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}

export const PublisherFields = graphql(
  `
    fragment PublisherFields on Publisher {
      id
      slug
      name
      organizationId
      integrationType
      isVerified
      status
      createdAt
      updatedAt
      deletedAt
      pricing {
        ...PublisherPricingFields
      }
      description
      email
      logoUrl
      categories
      capabilities
      useCases
      resourceName
      resourceDescription
      isActive
      publisherCategory
      databaseType
      computeType
      billingModel
      walletAddress
      walletNetworkId
      acceptedAssetIds
      upstreamCostResponsePath
      apiUrl
      authType
      apiKeyHeader
      apiKeyQueryParam
      allowedPassthroughHeaders
      passthroughHeaderRewrite
      upstreamHeaders
      requestContentType
      endpoints
      undocumentedEndpointPolicy
      tokenExchangeUrl
      tokenExchangeMethod
      tokenExchangeMode
      tokenCacheTtlSeconds
      tokenResponseField
      oauth2TokenUrl
      oauth2ClientId
      oauth2Scopes
      oauthProviderSlug
      requiresUserOauth
      projectId
      branchId
      databaseName
      queryTimeoutMs
      maxRowsPerQuery
      a2aEndpointUrl
      mcpEndpoint
      isGeoRestricted
      geoBlockedCountries
      geoProxyRegion
      hasUpstreamApiKey
      hasApiHeaders
      hasConnectionString
      hasOauth2ClientSecret
      hasDatabaseConfig
    }
  `,
  [PublisherPricingFields],
);

export const publisherSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  organization_id: z.string(),
  integration_type: z.enum(['api', 'database', 'agent', 'mcp']),
  is_verified: z.boolean(),
  status: z.enum(['active', 'inactive', 'deleted']),
  pricing: z.array(pricingConfigSchema),
  description: z.string().nullable(),
  email: z.string().nullable(),
  logo_url: z.string().nullable(),
  categories: z.array(z.string()),
  capabilities: z.array(z.string()),
  use_cases: z.array(z.string()),
  resource_name: z.string().nullable(),
  resource_description: z.string().nullable(),
  is_active: z.boolean().nullable(),
  publisher_category: z.string().nullable(),
  database_type: z.string().nullable(),
  compute_type: z.string().nullable(),
  billing_model: z.string().nullable(),
  wallet_address: z.string().nullable(),
  wallet_network_id: z.string().nullable(),
  accepted_asset_ids: z.array(z.string()),
  upstream_cost_response_path: z.string().nullable(),
  api_url: z.string().nullable(),
  auth_type: z.string().nullable(),
  api_key_header: z.string().nullable(),
  api_key_query_param: z.string().nullable(),
  allowed_passthrough_headers: z.array(z.string()),
  passthrough_header_rewrite: z.unknown(),
  upstream_headers: z.unknown(),
  request_content_type: z.string().nullable(),
  endpoints: z.unknown(),
  undocumented_endpoint_policy: z.string().nullable(),
  token_exchange_url: z.string().nullable(),
  token_exchange_method: z.string().nullable(),
  token_exchange_mode: z.string().nullable(),
  token_cache_ttl_seconds: z.number().int().nullable(),
  token_response_field: z.string().nullable(),
  oauth2_token_url: z.string().nullable(),
  oauth2_client_id: z.string().nullable(),
  oauth2_scopes: z.array(z.string()),
  oauth_provider_slug: z.string().nullable(),
  requires_user_oauth: z.boolean().nullable(),
  project_id: z.string().nullable(),
  branch_id: z.string().nullable(),
  database_name: z.string().nullable(),
  query_timeout_ms: z.number().int().nullable(),
  max_rows_per_query: z.number().int().nullable(),
  a2a_endpoint_url: z.string().nullable(),
  mcp_endpoint: z.string().nullable(),
  is_geo_restricted: z.boolean().nullable(),
  geo_blocked_countries: z.array(z.string()),
  geo_proxy_region: z.string().nullable(),
  has_upstream_api_key: z.boolean(),
  has_api_headers: z.boolean(),
  has_connection_string: z.boolean(),
  has_oauth2_client_secret: z.boolean(),
  has_database_config: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
  deleted_at: z.string().nullable(),
});

export function publisherToRest(ref: FragmentOf<typeof PublisherFields>): z.input<typeof publisherSchema> {
  const p = readFragment(PublisherFields, ref);
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    organization_id: p.organizationId,
    integration_type: p.integrationType as 'api' | 'database' | 'agent' | 'mcp',
    is_verified: p.isVerified,
    status: p.status as 'active' | 'inactive' | 'deleted',
    pricing: p.pricing.map(pricingConfigToRest),
    description: p.description,
    email: p.email,
    logo_url: p.logoUrl,
    categories: p.categories,
    capabilities: p.capabilities,
    use_cases: p.useCases,
    resource_name: p.resourceName,
    resource_description: p.resourceDescription,
    is_active: p.isActive,
    publisher_category: p.publisherCategory,
    database_type: p.databaseType,
    compute_type: p.computeType,
    billing_model: p.billingModel,
    wallet_address: p.walletAddress,
    wallet_network_id: p.walletNetworkId,
    accepted_asset_ids: p.acceptedAssetIds,
    upstream_cost_response_path: p.upstreamCostResponsePath,
    api_url: p.apiUrl,
    auth_type: p.authType,
    api_key_header: p.apiKeyHeader,
    api_key_query_param: p.apiKeyQueryParam,
    allowed_passthrough_headers: p.allowedPassthroughHeaders,
    passthrough_header_rewrite: p.passthroughHeaderRewrite,
    upstream_headers: p.upstreamHeaders,
    request_content_type: p.requestContentType,
    endpoints: p.endpoints,
    undocumented_endpoint_policy: p.undocumentedEndpointPolicy,
    token_exchange_url: p.tokenExchangeUrl,
    token_exchange_method: p.tokenExchangeMethod,
    token_exchange_mode: p.tokenExchangeMode,
    token_cache_ttl_seconds: p.tokenCacheTtlSeconds,
    token_response_field: p.tokenResponseField,
    oauth2_token_url: p.oauth2TokenUrl,
    oauth2_client_id: p.oauth2ClientId,
    oauth2_scopes: p.oauth2Scopes,
    oauth_provider_slug: p.oauthProviderSlug,
    requires_user_oauth: p.requiresUserOauth,
    project_id: p.projectId,
    branch_id: p.branchId,
    database_name: p.databaseName,
    query_timeout_ms: p.queryTimeoutMs,
    max_rows_per_query: p.maxRowsPerQuery,
    a2a_endpoint_url: p.a2aEndpointUrl,
    mcp_endpoint: p.mcpEndpoint,
    is_geo_restricted: p.isGeoRestricted,
    geo_blocked_countries: p.geoBlockedCountries,
    geo_proxy_region: p.geoProxyRegion,
    has_upstream_api_key: p.hasUpstreamApiKey,
    has_api_headers: p.hasApiHeaders,
    has_connection_string: p.hasConnectionString,
    has_oauth2_client_secret: p.hasOauth2ClientSecret,
    has_database_config: p.hasDatabaseConfig,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
    deleted_at: p.deletedAt,
  };
}

/** The per-asset prices create, update and PUT .../pricing take: USDC decimal strings (`"0.001"`), limits as integers. */
export const pricingBody = {
  price_per_call: z.string().nullish(),
  price_per_get: z.string().nullish(),
  price_per_post: z.string().nullish(),
  price_per_put: z.string().nullish(),
  price_per_patch: z.string().nullish(),
  price_per_delete: z.string().nullish(),
  price_per_execution: z.string().nullish(),
  base_price_per_1000_rows: z.string().nullish(),
  markup_multiplier: z.string().nullish(),
  min_charge: z.string().nullish(),
  max_charge: z.string().nullish(),
  min_display_price: z.string().nullish(),
  minimum_balance: z.string().nullish(),
  low_balance_threshold: z.string().nullish(),
  hourly_rate: z.string().nullish(),
  grace_period_minutes: z.number().int().nullish(),
  max_queries_per_minute: z.number().int().nullish(),
  free_queries_per_day: z.number().int().nullish(),
};

/** Every setting create and update take (absent: unchanged on update; null: cleared). */
const settingsBody = {
  description: z.string().nullish(),
  email: z.string().nullish(),
  logo_url: z.string().nullish(),
  categories: z.array(z.string()).nullish(),
  capabilities: z.array(z.string()).nullish(),
  use_cases: z.array(z.string()).nullish(),
  resource_name: z.string().nullish(),
  resource_description: z.string().nullish(),
  is_active: z.boolean().nullish(),
  publisher_category: z.string().nullish(),
  integration_type: z.string().nullish(),
  database_type: z.string().nullish(),
  compute_type: z.string().nullish(),
  billing_model: z.string().nullish(),
  wallet_address: z.string().nullish(),
  wallet_network_id: z.string().nullish(),
  accepted_asset_ids: z.array(z.string()).nullish(),
  upstream_cost_response_path: z.string().nullish(),
  api_url: z.string().nullish(),
  auth_type: z.string().nullish(),
  api_key_header: z.string().nullish(),
  api_key_query_param: z.string().nullish(),
  allowed_passthrough_headers: z.array(z.string()).nullish(),
  passthrough_header_rewrite: z.record(z.string(), z.string()).nullish(),
  upstream_headers: z.record(z.string(), z.string()).nullish(),
  request_content_type: z.string().nullish(),
  endpoints: z.unknown().optional(),
  undocumented_endpoint_policy: z.string().nullish(),
  token_exchange_url: z.string().nullish(),
  token_exchange_method: z.string().nullish(),
  token_exchange_mode: z.string().nullish(),
  token_cache_ttl_seconds: z.number().int().nullish(),
  token_response_field: z.string().nullish(),
  oauth2_token_url: z.string().nullish(),
  oauth2_client_id: z.string().nullish(),
  oauth2_scopes: z.array(z.string()).nullish(),
  oauth_provider_slug: z.string().nullish(),
  requires_user_oauth: z.boolean().nullish(),
  project_id: z.string().nullish(),
  branch_id: z.string().nullish(),
  database_name: z.string().nullish(),
  query_timeout_ms: z.number().int().nullish(),
  max_rows_per_query: z.number().int().nullish(),
  a2a_endpoint_url: z.string().nullish(),
  mcp_endpoint: z.string().nullish(),
  is_geo_restricted: z.boolean().nullish(),
  geo_blocked_countries: z.array(z.string()).nullish(),
  geo_proxy_region: z.string().nullish(),
  // secrets: sealed, never answered
  upstream_api_key: z.string().nullish(),
  api_headers: z.record(z.string(), z.string()).nullish(),
  connection_string: z.string().nullish(),
  oauth2_client_secret: z.string().nullish(),
  database_config: z.unknown().optional(),
  ...pricingBody,
};

export const createPublisherBody = z.object({
  name: z.string(),
  slug: z.string(),
  ...settingsBody,
});

export const updatePublisherBody = z.object({
  name: z.string().nullish(),
  ...settingsBody,
  add_asset_ids: z.array(z.string()).nullish(),
  remove_asset_ids: z.array(z.string()).nullish(),
});

export const updatePricingBody = z.object({ asset_id: z.string(), ...pricingBody });

const camel = (snake: string) => snake.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A body's settings as GraphQL's input (camelCase), keeping only the fields the client sent (zod
 * leaves absent ones out): on update an absent field stays as it is and an explicit null clears it.
 */
export function publisherInputOf<T>(body: Record<string, unknown>): T {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => [camel(key), value]),
  ) as T;
}
