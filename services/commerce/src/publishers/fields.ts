import { domainErrorsOf } from '@seren/service-kit/errors';
import { formatAmount, parseAmount } from '../ledger/amounts.js';

// The publisher's documented settings, named as the spec's REST bodies name them (snake_case), each
// with its kind: how it is validated and normalized. One list serves create and update (decide.ts),
// the read model (`publishers.config`, jsonb), the proxy's view (queries.ts) and the REST shapes
// (the gateway's shapes/publisher.ts spells the same names). Pure: decide.ts uses it.

export type PublisherReason =
  | 'SLUG_TAKEN'
  | 'PUBLISHER_NOT_FOUND'
  | 'INVALID_FIELD'
  | 'MISSING_UPSTREAM'
  | 'PUBLISHER_DELETED'
  | 'UNSUPPORTED_ASSET'
  | 'PRIVATE_ADDRESS';
export const publisherErrors = domainErrorsOf<PublisherReason>();

export const integrationTypes = ['api', 'database', 'agent', 'mcp'] as const;
export type IntegrationType = (typeof integrationTypes)[number];

export const billingModels = [
  'x402_per_request',
  'prepaid_credits',
  'x402_passthrough',
  'pay_per_use',
] as const;
export type BillingModel = (typeof billingModels)[number];

export const authTypes = ['static', 'jwt', 'oauth2_cc', 'passthrough'] as const;
export type AuthType = (typeof authTypes)[number];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

type Kind =
  | { kind: 'text'; max: number }
  | { kind: 'email' }
  | { kind: 'url' }
  | { kind: 'header' }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'enum'; values: readonly string[] }
  | { kind: 'texts'; max: number; item: number }
  | { kind: 'headers' }
  | { kind: 'stringMap' }
  | { kind: 'json' }
  | { kind: 'address' }
  | { kind: 'network' };

/**
 * Every non-secret setting a publisher keeps in `config`. Prices are not here: they are the
 * per-asset pricing (`pricingFields`); create and update take them too and apply them to the
 * publisher's primary asset.
 */
export const configFields = {
  // the store listing
  description: { kind: 'text', max: 4000 },
  email: { kind: 'email' },
  logo_url: { kind: 'url' },
  categories: { kind: 'texts', max: 20, item: 64 },
  capabilities: { kind: 'texts', max: 50, item: 128 },
  use_cases: { kind: 'texts', max: 50, item: 500 },
  resource_name: { kind: 'text', max: 200 },
  resource_description: { kind: 'text', max: 4000 },
  is_active: { kind: 'bool' },
  // what kind of upstream
  publisher_category: { kind: 'enum', values: ['database', 'integration', 'compute'] },
  integration_type: { kind: 'enum', values: integrationTypes },
  database_type: { kind: 'enum', values: ['serendb', 'neon', 'supabase', 'postgres', 'mongodb'] },
  compute_type: { kind: 'enum', values: ['agent'] },
  // how it is paid
  billing_model: { kind: 'enum', values: billingModels },
  wallet_address: { kind: 'address' },
  wallet_network_id: { kind: 'network' },
  accepted_asset_ids: { kind: 'texts', max: 10, item: 64 },
  upstream_cost_response_path: { kind: 'text', max: 200 },
  // an HTTP API upstream
  api_url: { kind: 'url' },
  auth_type: { kind: 'enum', values: authTypes },
  api_key_header: { kind: 'header' },
  api_key_query_param: { kind: 'text', max: 100 },
  allowed_passthrough_headers: { kind: 'headers' },
  passthrough_header_rewrite: { kind: 'stringMap' },
  upstream_headers: { kind: 'stringMap' },
  request_content_type: { kind: 'text', max: 200 },
  endpoints: { kind: 'json' },
  undocumented_endpoint_policy: { kind: 'enum', values: ['allow', 'block'] },
  token_exchange_url: { kind: 'url' },
  token_exchange_method: { kind: 'enum', values: ['POST', 'GET'] },
  token_exchange_mode: { kind: 'enum', values: ['header', 'body', 'query'] },
  token_cache_ttl_seconds: { kind: 'int', min: 60, max: 86_400 },
  token_response_field: { kind: 'text', max: 100 },
  oauth2_token_url: { kind: 'url' },
  oauth2_client_id: { kind: 'text', max: 500 },
  oauth2_scopes: { kind: 'texts', max: 50, item: 200 },
  oauth_provider_slug: { kind: 'text', max: 100 },
  requires_user_oauth: { kind: 'bool' },
  // a PostgreSQL database upstream
  project_id: { kind: 'text', max: 100 },
  branch_id: { kind: 'text', max: 100 },
  database_name: { kind: 'text', max: 100 },
  query_timeout_ms: { kind: 'int', min: 100, max: 300_000 },
  max_rows_per_query: { kind: 'int', min: 1, max: 1_000_000 },
  // an A2A agent, an MCP server
  a2a_endpoint_url: { kind: 'url' },
  mcp_endpoint: { kind: 'url' },
  // where it may be called from
  is_geo_restricted: { kind: 'bool' },
  geo_blocked_countries: { kind: 'texts', max: 250, item: 2 },
  geo_proxy_region: { kind: 'text', max: 64 },
} as const satisfies Record<string, Kind>;

export type ConfigField = keyof typeof configFields;

/** Settings that are sealed (never shown, logged or evented): the request takes them, the answer shows `has_<name>`. */
export const secretFields = {
  upstream_api_key: { kind: 'text', max: 8000 },
  api_headers: { kind: 'stringMap' },
  connection_string: { kind: 'text', max: 4000 },
  oauth2_client_secret: { kind: 'text', max: 4000 },
  database_config: { kind: 'json' },
} as const satisfies Record<string, Kind>;

export type SecretField = keyof typeof secretFields;

/** A price: a decimal string of USDC (`"0.001"`), kept as atomic units. */
type PriceKind = { kind: 'price' } | { kind: 'multiplier' } | { kind: 'int'; min: number; max: number };

/** The per-asset pricing (`PUT .../pricing`). Prices are USDC decimal strings, at most 6 decimals. */
export const pricingFields = {
  price_per_call: { kind: 'price' },
  price_per_get: { kind: 'price' },
  price_per_post: { kind: 'price' },
  price_per_put: { kind: 'price' },
  price_per_patch: { kind: 'price' },
  price_per_delete: { kind: 'price' },
  price_per_execution: { kind: 'price' },
  base_price_per_1000_rows: { kind: 'price' },
  markup_multiplier: { kind: 'multiplier' },
  min_charge: { kind: 'price' },
  max_charge: { kind: 'price' },
  min_display_price: { kind: 'price' },
  minimum_balance: { kind: 'price' },
  low_balance_threshold: { kind: 'price' },
  hourly_rate: { kind: 'price' },
  grace_period_minutes: { kind: 'int', min: 0, max: 10_080 },
  max_queries_per_minute: { kind: 'int', min: 1, max: 1_000_000 },
  free_queries_per_day: { kind: 'int', min: 0, max: 1_000_000 },
} as const satisfies Record<string, PriceKind>;

export type PricingField = keyof typeof pricingFields;

/** The one asset prices are in and payments are made with (the ledger's wallet asset). */
export const PRIMARY_ASSET = 'USDC';

export type Config = Partial<Record<ConfigField, Json>>;
export type Secrets = Partial<Record<SecretField, string>>;
/** pricing as stored: prices as atomic-unit integer strings, the multiplier as a decimal string */
export type Pricing = Partial<Record<PricingField, string | number>>;

const invalid = (field: string, message: string) =>
  publisherErrors.validationError(`${field}: ${message}`, { field, reason: 'INVALID_FIELD' });

const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** headers a publisher may not let callers set upstream: hop-by-hop ones and our own credentials */
const RESERVED_HEADERS = new Set([
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'cookie',
  'x-internal-token',
  'x-payment',
  'payment-signature',
]);

function text(field: string, value: unknown, max: number): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  const trimmed = value.trim();
  if (trimmed.length > max) throw invalid(field, `at most ${max} characters`);
  return trimmed === '' ? null : trimmed;
}

function stringMap(field: string, value: unknown): Record<string, string> | null {
  if (value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field, 'must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 50) throw invalid(field, 'at most 50 entries');
  for (const [key, v] of entries) {
    if (!HEADER.test(key)) throw invalid(field, `"${key}" is not a header name`);
    if (typeof v !== 'string' || v.length > 8000 || /[\r\n\0]/.test(v))
      throw invalid(field, `"${key}" must be a string without line breaks`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function parseOne(field: string, spec: Kind, value: unknown): Json {
  if (value === null) return null;
  switch (spec.kind) {
    case 'text':
      return text(field, value, spec.max);
    case 'email': {
      const v = text(field, value, 320);
      if (v !== null && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) throw invalid(field, 'not an email address');
      return v;
    }
    case 'url': {
      const v = text(field, value, 2000);
      if (v === null) return null;
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        throw invalid(field, 'not a URL');
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid(field, 'must be http(s)');
      if (url.username || url.password) throw invalid(field, 'credentials do not belong in the URL');
      return v;
    }
    case 'header': {
      const v = text(field, value, 100);
      if (v !== null && !HEADER.test(v)) throw invalid(field, 'not a header name');
      return v;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw invalid(field, 'must be true or false');
      return value;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max)
        throw invalid(field, `a whole number from ${spec.min} to ${spec.max}`);
      return value;
    case 'enum': {
      if (typeof value !== 'string' || !spec.values.includes(value.trim()))
        throw invalid(field, `one of ${spec.values.join(', ')}`);
      return value.trim();
    }
    case 'texts': {
      if (!Array.isArray(value)) throw invalid(field, 'must be an array of strings');
      if (value.length > spec.max) throw invalid(field, `at most ${spec.max} items`);
      const items = value.map((item) => {
        if (typeof item !== 'string' || item.trim() === '' || item.trim().length > spec.item)
          throw invalid(field, `items are 1-${spec.item} characters`);
        return item.trim();
      });
      return [...new Set(items)];
    }
    case 'headers': {
      if (!Array.isArray(value)) throw invalid(field, 'must be an array of header names');
      if (value.length > 50) throw invalid(field, 'at most 50 headers');
      const names = value.map((item) => {
        if (typeof item !== 'string' || !HEADER.test(item.trim()))
          throw invalid(field, `"${String(item)}" is not a header name`);
        const name = item.trim().toLowerCase();
        if (RESERVED_HEADERS.has(name)) throw invalid(field, `"${name}" cannot pass through`);
        return name;
      });
      return [...new Set(names)];
    }
    case 'stringMap':
      return stringMap(field, value);
    case 'json':
      if (JSON.stringify(value).length > 100_000) throw invalid(field, 'at most 100 kB of JSON');
      return value as Json;
    case 'address': {
      const v = text(field, value, 42);
      if (v !== null && !/^0x[0-9a-fA-F]{40}$/.test(v)) throw invalid(field, 'a 0x-address of 40 hex digits');
      return v;
    }
    case 'network': {
      const v = text(field, value, 64);
      if (v !== null && !/^[-a-z0-9]{3,8}:[-_a-zA-Z0-9]{1,32}$/.test(v))
        throw invalid(field, 'a CAIP-2 network id, e.g. "eip155:8453"');
      return v;
    }
    default: {
      const unknown: never = spec;
      return unknown;
    }
  }
}

/** The settings of `input` that are config fields, validated and normalized (undefined: not given). */
export function parseConfig(input: Record<string, unknown>): Config {
  const out: Config = {};
  for (const [field, spec] of Object.entries(configFields) as [ConfigField, Kind][]) {
    if (input[field] === undefined) continue;
    out[field] = parseOne(field, spec, input[field]);
  }
  if (typeof out.geo_blocked_countries === 'object' && Array.isArray(out.geo_blocked_countries))
    out.geo_blocked_countries = out.geo_blocked_countries.map((c) => String(c).toUpperCase());
  return out;
}

/**
 * The secrets of `input` as the strings that are sealed (a map or JSON as its JSON text); null
 * where the request clears one. Values are never echoed in errors.
 */
export function parseSecrets(input: Record<string, unknown>): Partial<Record<SecretField, string | null>> {
  const out: Partial<Record<SecretField, string | null>> = {};
  for (const [field, spec] of Object.entries(secretFields) as [SecretField, Kind][]) {
    const value = input[field];
    if (value === undefined) continue;
    const parsed = parseOne(field, spec, value);
    out[field] = parsed === null ? null : typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
    if (field === 'connection_string' && out[field] && !/^postgres(ql)?:\/\//.test(out[field]!))
      throw invalid(field, 'a postgresql:// connection string');
  }
  return out;
}

/** The pricing settings of `input`, as stored (atomic units), undefined where not given. */
export function parsePricing(
  input: Record<string, unknown>,
): Partial<Record<PricingField, string | number | null>> {
  const out: Partial<Record<PricingField, string | number | null>> = {};
  for (const [field, spec] of Object.entries(pricingFields) as [PricingField, PriceKind][]) {
    const value = input[field];
    if (value === undefined) continue;
    if (value === null) {
      out[field] = null;
      continue;
    }
    switch (spec.kind) {
      case 'price': {
        const atomic = typeof value === 'string' ? parseAmount(value, 'USDC') : undefined;
        if (atomic === undefined)
          throw invalid(field, 'a decimal string of USDC with at most 6 decimals, e.g. "0.001"');
        out[field] = atomic.toString();
        break;
      }
      case 'multiplier': {
        if (typeof value !== 'string' || !/^\d{1,6}(\.\d{1,6})?$/.test(value.trim()))
          throw invalid(field, 'a decimal string, e.g. "1.5"');
        out[field] = value.trim();
        break;
      }
      case 'int':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < spec.min || value > spec.max)
          throw invalid(field, `a whole number from ${spec.min} to ${spec.max}`);
        out[field] = value;
        break;
      default: {
        const unknown: never = spec;
        return unknown;
      }
    }
  }
  return out;
}

/** A stored pricing as the REST bodies show it: prices as decimal strings of USDC, null where unset. */
export function pricingForDisplay(pricing: Pricing): Record<PricingField, string | number | null> {
  const out = {} as Record<PricingField, string | number | null>;
  for (const [field, spec] of Object.entries(pricingFields) as [PricingField, PriceKind][]) {
    const value = pricing[field];
    out[field] =
      value === undefined || value === null
        ? null
        : spec.kind === 'price'
          ? formatAmount(BigInt(value), 'USDC')
          : value;
  }
  return out;
}

/**
 * The integration type a publisher's settings say: `compute_type = agent` is an agent; else
 * `integration_type`, and a database category (or database type) is a database; else an API.
 */
export function integrationTypeOf(config: Config): IntegrationType {
  if (config.compute_type === 'agent') return 'agent';
  if (typeof config.integration_type === 'string') return config.integration_type as IntegrationType;
  if (config.publisher_category === 'database' || typeof config.database_type === 'string') return 'database';
  if (typeof config.mcp_endpoint === 'string') return 'mcp';
  return 'api';
}

/** The URL fields the outbound guard checks at creation (a private address is refused unless allowed). */
export const upstreamUrlFields = [
  'api_url',
  'a2a_endpoint_url',
  'mcp_endpoint',
  'oauth2_token_url',
  'token_exchange_url',
] as const;

/**
 * What each integration type needs to be called: an API its `api_url`, a database a connection
 * string, an agent its `a2a_endpoint_url`, an MCP server its `mcp_endpoint`.
 */
export function requireUpstream(type: IntegrationType, config: Config, hasConnection: boolean): void {
  const missing = (field: string) =>
    publisherErrors.validationError(`${field} is required for integration type ${type}`, {
      field,
      reason: 'MISSING_UPSTREAM',
    });
  if (type === 'api' && !config.api_url) throw missing('api_url');
  if (type === 'agent' && !config.a2a_endpoint_url) throw missing('a2a_endpoint_url');
  if (type === 'mcp' && !config.mcp_endpoint) throw missing('mcp_endpoint');
  if (type === 'database' && !hasConnection) throw missing('connection_string');
  if (config.auth_type === 'oauth2_cc' && (!config.oauth2_token_url || !config.oauth2_client_id))
    throw missing('oauth2_token_url and oauth2_client_id');
  if (config.billing_model === 'pay_per_use' && !config.upstream_cost_response_path)
    throw missing('upstream_cost_response_path');
}
