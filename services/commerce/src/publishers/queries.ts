import type { EntityManager } from 'typeorm';
import {
  PRIMARY_ASSET,
  type AuthType,
  type BillingModel,
  type Config,
  type IntegrationType,
  type Pricing,
  type PricingField,
  type SecretField,
} from './fields.js';

/** A publisher as the read model holds it (every setting; secrets only as their masked forms). */
export interface PublisherRecord {
  id: string;
  slug: string;
  name: string;
  organizationId: string;
  integrationType: IntegrationType;
  billingModel: BillingModel;
  description: string | null;
  categories: string[];
  capabilities: string[];
  isVerified: boolean;
  isActive: boolean;
  config: Config;
  /** masked secrets by name: what it has, never the values */
  secrets: Partial<Record<SecretField, string>>;
  /** pricing per asset id, as stored (prices in atomic units) */
  pricing: { assetId: string; pricing: Pricing; createdAt: string; updatedAt: string }[];
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
}

/** A price of the proxy's view: atomic units of the asset (USDC: 6 decimals), null where unset. */
export interface PublisherPrice {
  assetId: string;
  pricePerCall: bigint | null;
  pricePerGet: bigint | null;
  pricePerPost: bigint | null;
  pricePerPut: bigint | null;
  pricePerPatch: bigint | null;
  pricePerDelete: bigint | null;
  pricePerExecution: bigint | null;
  basePricePer1000Rows: bigint | null;
  /** a decimal string (e.g. "1.5"): the upstream's cost times it, for pay_per_use */
  markupMultiplier: string | null;
  minCharge: bigint | null;
  maxCharge: bigint | null;
  minimumBalance: bigint | null;
  lowBalanceThreshold: bigint | null;
  hourlyRate: bigint | null;
  gracePeriodMinutes: number | null;
  maxQueriesPerMinute: number | null;
  freeQueriesPerDay: number | null;
}

/**
 * What the proxy (and agent tasks) need of a publisher: who it is, how it is paid, what it calls.
 * Secrets are not here: `openPublisherSecrets(commerce, publisher)` opens them, only when calling.
 */
export interface ProxyPublisher {
  id: string;
  slug: string;
  name: string;
  organizationId: string;
  integrationType: IntegrationType;
  /** active; inactive (is_active false: the proxy refuses calls); deleted publishers are not found */
  status: 'active' | 'inactive';
  billingModel: BillingModel;
  /** the asset calls are priced and paid in when the caller names none */
  primaryAssetId: string;
  acceptedAssetIds: string[];
  /** pricing per asset id; an asset without pricing is free */
  pricing: Record<string, PublisherPrice>;
  /** the primary asset's max_queries_per_minute (per agent), null for no limit */
  maxQueriesPerMinute: number | null;
  upstream: {
    apiUrl: string | null;
    authType: AuthType;
    apiKeyHeader: string | null;
    apiKeyQueryParam: string | null;
    /** lowercase header names a caller may pass through */
    allowedPassthroughHeaders: string[];
    /** caller header → upstream header, for passthrough auth */
    passthroughHeaderRewrite: Record<string, string>;
    /** non-secret headers always sent upstream */
    upstreamHeaders: Record<string, string>;
    requestContentType: string | null;
    undocumentedEndpointPolicy: 'allow' | 'block';
    endpoints: unknown;
    oauth2TokenUrl: string | null;
    oauth2ClientId: string | null;
    oauth2Scopes: string[];
    upstreamCostResponsePath: string | null;
    /** database publishers: queries run read-only, with this statement timeout and row cap */
    database: { databaseName: string | null; statementTimeoutMs: number; maxRows: number };
    a2aEndpointUrl: string | null;
    mcpEndpoint: string | null;
  };
  geo: { restricted: boolean; blockedCountries: string[]; proxyRegion: string | null };
  /** which secrets are sealed for it (open them with openPublisherSecrets) */
  hasSecrets: Record<SecretField, boolean>;
}

/** Database queries' defaults when the publisher sets none. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_ROWS = 10_000;

export interface PublisherRow {
  id: string;
  slug: string;
  name: string;
  organization_id: string;
  integration_type: IntegrationType;
  billing_model: BillingModel;
  description: string | null;
  categories: string[];
  capabilities: string[];
  is_verified: boolean;
  is_active: boolean;
  config: Config;
  secrets_masked: Partial<Record<SecretField, string>>;
  created_by: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  deleted_at: Date | string | null;
  pricing: { asset_id: string; pricing: Pricing; created_at: string; updated_at: string }[] | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The select every reader of publishers uses: the row and its pricing, one round trip. */
export const PUBLISHER_SELECT = `select p.id, p.slug, p.name, p.organization_id, p.integration_type, p.billing_model,
    p.description, p.categories, p.capabilities, p.is_verified, p.is_active, p.config, p.secrets_masked,
    p.created_by, p.created_at, p.updated_at, p.deleted_at,
    (select json_agg(json_build_object('asset_id', pp.asset_id, 'pricing', pp.pricing,
        'created_at', pp.created_at, 'updated_at', pp.updated_at) order by pp.asset_id)
       from publisher_pricing pp where pp.publisher_id = p.id) as pricing
  from publishers p`;

export function publisherOfRow(row: PublisherRow): PublisherRecord {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    organizationId: row.organization_id,
    integrationType: row.integration_type,
    billingModel: row.billing_model,
    description: row.description,
    categories: row.categories,
    capabilities: row.capabilities,
    isVerified: row.is_verified,
    isActive: row.is_active,
    config: row.config,
    secrets: row.secrets_masked,
    pricing: (row.pricing ?? []).map((p) => ({
      assetId: p.asset_id,
      pricing: p.pricing,
      createdAt: iso(p.created_at),
      updatedAt: iso(p.updated_at),
    })),
    createdBy: row.created_by,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    deletedAt: row.deleted_at === null ? null : iso(row.deleted_at),
  };
}

/** A publisher by id (deleted ones too: their owner still reads history and earnings), else undefined. */
export async function findPublisherRecord(
  manager: EntityManager,
  publisherId: string,
): Promise<PublisherRecord | undefined> {
  const rows: PublisherRow[] = await manager.query(`${PUBLISHER_SELECT} where p.id = $1`, [publisherId]);
  return rows[0] && publisherOfRow(rows[0]);
}

/** A publisher of the store by slug: not deleted, else undefined. */
export async function findStorePublisher(
  manager: EntityManager,
  slug: string,
): Promise<PublisherRecord | undefined> {
  const rows: PublisherRow[] = await manager.query(
    `${PUBLISHER_SELECT} where p.slug = $1 and p.deleted_at is null`,
    [slug.toLowerCase()],
  );
  return rows[0] && publisherOfRow(rows[0]);
}

const atomicOrNull = (value: string | number | undefined): bigint | null =>
  value === undefined || value === null ? null : BigInt(value);
const intOrNull = (value: string | number | undefined): number | null =>
  value === undefined || value === null ? null : Number(value);

export function priceOf(assetId: string, p: Pricing): PublisherPrice {
  const a = (field: PricingField) => atomicOrNull(p[field]);
  return {
    assetId,
    pricePerCall: a('price_per_call'),
    pricePerGet: a('price_per_get'),
    pricePerPost: a('price_per_post'),
    pricePerPut: a('price_per_put'),
    pricePerPatch: a('price_per_patch'),
    pricePerDelete: a('price_per_delete'),
    pricePerExecution: a('price_per_execution'),
    basePricePer1000Rows: a('base_price_per_1000_rows'),
    markupMultiplier: p.markup_multiplier === undefined ? null : String(p.markup_multiplier),
    minCharge: a('min_charge'),
    maxCharge: a('max_charge'),
    minimumBalance: a('minimum_balance'),
    lowBalanceThreshold: a('low_balance_threshold'),
    hourlyRate: a('hourly_rate'),
    gracePeriodMinutes: intOrNull(p.grace_period_minutes),
    maxQueriesPerMinute: intOrNull(p.max_queries_per_minute),
    freeQueriesPerDay: intOrNull(p.free_queries_per_day),
  };
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
const map = (value: unknown): Record<string, string> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string>) : {};

/** The proxy's view of a publisher record. */
export function proxyPublisherOf(record: PublisherRecord): ProxyPublisher {
  const c = record.config;
  const pricing = Object.fromEntries(record.pricing.map((p) => [p.assetId, priceOf(p.assetId, p.pricing)]));
  const accepted = strings(c.accepted_asset_ids);
  const primaryAssetId = accepted[0] ?? PRIMARY_ASSET;
  return {
    id: record.id,
    slug: record.slug,
    name: record.name,
    organizationId: record.organizationId,
    integrationType: record.integrationType,
    status: record.isActive ? 'active' : 'inactive',
    billingModel: record.billingModel,
    primaryAssetId,
    acceptedAssetIds: accepted.length ? accepted : [PRIMARY_ASSET],
    pricing,
    maxQueriesPerMinute: pricing[primaryAssetId]?.maxQueriesPerMinute ?? null,
    upstream: {
      apiUrl: str(c.api_url),
      authType: (str(c.auth_type) as AuthType | null) ?? 'static',
      apiKeyHeader: str(c.api_key_header),
      apiKeyQueryParam: str(c.api_key_query_param),
      allowedPassthroughHeaders: strings(c.allowed_passthrough_headers),
      passthroughHeaderRewrite: map(c.passthrough_header_rewrite),
      upstreamHeaders: map(c.upstream_headers),
      requestContentType: str(c.request_content_type),
      undocumentedEndpointPolicy: c.undocumented_endpoint_policy === 'block' ? 'block' : 'allow',
      endpoints: c.endpoints ?? null,
      oauth2TokenUrl: str(c.oauth2_token_url),
      oauth2ClientId: str(c.oauth2_client_id),
      oauth2Scopes: strings(c.oauth2_scopes),
      upstreamCostResponsePath: str(c.upstream_cost_response_path),
      database: {
        databaseName: str(c.database_name),
        statementTimeoutMs:
          typeof c.query_timeout_ms === 'number' ? c.query_timeout_ms : DEFAULT_STATEMENT_TIMEOUT_MS,
        maxRows: typeof c.max_rows_per_query === 'number' ? c.max_rows_per_query : DEFAULT_MAX_ROWS,
      },
      a2aEndpointUrl: str(c.a2a_endpoint_url),
      mcpEndpoint: str(c.mcp_endpoint),
    },
    geo: {
      restricted: c.is_geo_restricted === true,
      blockedCountries: strings(c.geo_blocked_countries),
      proxyRegion: str(c.geo_proxy_region),
    },
    hasSecrets: {
      upstream_api_key: record.secrets.upstream_api_key !== undefined,
      api_headers: record.secrets.api_headers !== undefined,
      connection_string: record.secrets.connection_string !== undefined,
      oauth2_client_secret: record.secrets.oauth2_client_secret !== undefined,
      database_config: record.secrets.database_config !== undefined,
    },
  };
}

/**
 * The publisher the proxy calls for `slug` (case-insensitive), with its pricing: one round trip;
 * undefined when there is none or it was deleted. An inactive one is returned with status
 * `inactive` (the proxy decides what to answer).
 */
export async function findPublisherBySlug(
  manager: EntityManager,
  slug: string,
): Promise<ProxyPublisher | undefined> {
  const record = await findStorePublisher(manager, slug);
  return record && proxyPublisherOf(record);
}
