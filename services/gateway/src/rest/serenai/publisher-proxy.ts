import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';

// The paid side of the spec's "publishers" section (commerce's src/proxy/): the publisher root call
// (`POST /publishers/{slug}`: SQL on a database publisher, the API's root, an agent task with 202)
// and the proxy (`GET|POST /publishers/{slug}/{path}`) are forwards: the body streams both ways,
// a 402 carries x402 payment requirements (`PAYMENT-REQUIRED`, v1 `accepts`), the payment headers
// go in and `PAYMENT-RESPONSE` comes back, and the upstream's answer (any status, any body) passes
// as it is. Every request header is passed to commerce but the credential and hop-by-hop ones:
// which of them reach the upstream is the publisher's allowlist. Commerce writes its own errors in
// SerenAI's shape, so they pass through too. The estimate is an operation row (GraphQL
// `estimatePublisherQuery`). The store rows of the section (GET /publishers, suggest, GET
// /publishers/{slug}) are in publishers.ts.

const slugParams = z.object({ slug: z.string().min(1).describe('Publisher slug identifier') });

const proxyHeaders = {
  service: 'commerce' as const,
  allHeaders: true,
  passThroughErrors: true,
};

const paymentDescription =
  "Paid before the upstream runs: from the caller's prepaid wallet (a hold, captured on a 2xx answer and released on any other, a timeout or an unreachable upstream: a failed call costs nothing), " +
  'or per request with x402 when the caller has no wallet balance, no credential, or the publisher bills `x402_per_request`: 402 with the requirements ' +
  '(v2 in `PAYMENT-REQUIRED`, v1 in the body), then the same request with `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1); the payment is verified first and settled on-chain only after a 2xx, ' +
  "with `PAYMENT-RESPONSE` (`X-PAYMENT-RESPONSE`) on the answer. 429 past the publisher's `max_queries_per_minute` per agent (with Retry-After); " +
  "403 `GeoRestrictedError` when the publisher is geo-restricted for the caller's country (CDN header `CF-IPCountry`) and `X-Seren-Geo-Routing: enabled` was not sent.";

// what commerce answers beside SerenAI's own `{error, message}` (documented as the product's Error): the 402's
// x402 payment requirements and the 403's GeoRestrictedError; disjoint from the Error shape and from each other
const x402Required = z.object({ x402Version: z.number(), error: z.string(), accepts: z.array(z.unknown()) });

const geoRestricted = z.object({
  error: z.string(),
  message: z.string(),
  opt_in_endpoint: z.string(),
  proxy_region: z.string(),
  publisher: z.string(),
});

const estimateResponse = z.object({
  asset_symbol: z.string().describe('Asset symbol (e.g., USDC, USDT)'),
  estimated_cost: z.string().describe('Estimated cost in configured asset'),
  estimated_cost_atomic: z.number().int().describe('Estimated cost in atomic units'),
  estimated_rows: z.number().int().describe('Estimated rows to be returned'),
  publisher_name: z.string().describe('Publisher name'),
  publisher_slug: z.string().describe('Publisher slug'),
});

export const publisherProxyRoutes = [
  route.forward({
    method: 'POST',
    path: '/publishers/{slug}',
    section: 'publishers',
    summary: 'Handle requests to the publisher root',
    description:
      'Database publishers: the body `{query, params?, database?}` runs read-only (statement timeout, row cap) and is priced per 1,000 rows returned; ' +
      'the answer is `{data: {columns, rows, row_count, truncated, cost, cost_atomic, asset_symbol}}`; 400 INVALID_QUERY (a write, a syntax error), 504 QUERY_TIMEOUT. ' +
      'API publishers: proxied to the upstream root. Agent publishers (compute_type=agent): an agent task, 202 with `{data: {task_id, ...}}`; an `Idempotency-Key` header makes a retry answer the same task and hold nothing more (the same key with another body: 400 IDEMPOTENCY_ERROR). ' +
      'MCP publishers: 400 MCP_ROOT_NOT_SUPPORTED (call their tool and resource endpoints). ' +
      paymentDescription,
    auth: 'optional',
    rateLimit: 'general',
    forward: { ...proxyHeaders, path: '/internal/publishers/{slug}' },
    streamBody: true,
    bodyLimit: 1024 * 1024,
    request: {
      params: slugParams,
      body: z.object({
        database: z
          .string()
          .nullable()
          .optional()
          .describe('Optional database name (primarily for SerenDB publishers)'),
        params: z.array(z.unknown()).optional().describe('Query parameters'),
        query: z
          .string()
          .describe('Query payload to execute. - SQL publishers (serendb/neon/supabase): SQL string'),
      }),
    },
    serviceErrors: {
      statuses: [402, 403],
      description:
        '402: x402 payment requirements (`{x402Version: 1, error, accepts}`, v2 in the `PAYMENT-REQUIRED` header); 403: GeoRestrictedError',
      schema: z.union([x402Required, geoRestricted]),
    },
    response: {
      status: 200,
      description: 'Request processed successfully (database/API); 202 Agent task accepted (async)',
    },
    errors: [400, 402, 403, 404, 429, 502, 504],
  }),
  route.operation({
    method: 'POST',
    path: '/publishers/{slug}/estimate',
    section: 'publishers',
    summary: 'Estimate query cost without payment',
    description:
      "SQL publishers: the planner's row estimate (EXPLAIN, nothing run; capped at the publisher's row cap) priced per 1,000 rows, which is also what an x402 payment of the query pays; " +
      "other publishers: the price of one call. `publisher_id` must be the slug's publisher (else 404).",
    auth: 'optional',
    rateLimit: 'general',
    request: {
      params: slugParams,
      body: z.object({
        asset_id: z
          .string()
          .nullable()
          .optional()
          .describe('Optional asset id to estimate pricing for (defaults to publisher primary asset)'),
        publisher_id: z.string().describe('Publisher UUID'),
        query: z
          .string()
          .describe('Query payload to estimate. - SQL publishers (serendb/neon/supabase): SQL string'),
      }),
    },
    operation: graphql(`
      query SerenaiEstimatePublisherQuery(
        $slug: String!
        $publisherId: String!
        $query: String!
        $assetId: String
      ) {
        estimatePublisherQuery(slug: $slug, publisherId: $publisherId, query: $query, assetId: $assetId) {
          publisherName
          publisherSlug
          assetSymbol
          estimatedCost
          estimatedCostAtomic
          estimatedRows
        }
      }
    `),
    variables: ({ params, body }) => ({
      slug: params.slug,
      publisherId: body.publisher_id,
      query: body.query,
      assetId: body.asset_id ?? null,
    }),
    response: {
      status: 200,
      description: 'Cost estimate',
      schema: estimateResponse,
      body: ({ estimatePublisherQuery: e }) => ({
        asset_symbol: e.assetSymbol,
        estimated_cost: e.estimatedCost,
        estimated_cost_atomic: Number(e.estimatedCostAtomic),
        estimated_rows: e.estimatedRows,
        publisher_name: e.publisherName,
        publisher_slug: e.publisherSlug,
      }),
    },
    errors: [400, 404],
  }),
  ...(['GET', 'POST'] as const).map((method) =>
    route.forward({
      method,
      path: '/publishers/{slug}/{path}',
      section: 'publishers',
      summary: `Proxy a ${method} to the publisher`,
      description:
        "Forwarded to the publisher's upstream (API publishers: api_url + path; MCP publishers: their MCP endpoint + path) with the query string, " +
        'only the caller headers the publisher allows (`allowed_passthrough_headers`), and its credentials injected; the body streams both ways; no redirect is followed ' +
        '(one within the upstream comes back pointing through the proxy); 502 UPSTREAM_UNAVAILABLE / UPSTREAM_REFUSED (a private address) and 504 UPSTREAM_TIMEOUT cost nothing. ' +
        paymentDescription,
      auth: 'optional',
      rateLimit: 'general',
      forward: { ...proxyHeaders, path: '/internal/publishers/{slug}/{path}' },
      ...(method === 'POST' ? { streamBody: true, bodyLimit: 10 * 1024 * 1024 } : {}),
      request: {
        params: slugParams.extend({ path: z.string().describe('Path to proxy to the publisher') }),
        ...(method === 'POST' ? { contentType: '*/*' } : {}),
      },
      serviceErrors: {
        statuses: [402, 403],
        description:
          '402: x402 payment requirements (`{x402Version: 1, error, accepts}`, v2 in the `PAYMENT-REQUIRED` header); 403: GeoRestrictedError; any other status the upstream answers passes as it is',
        schema: z.union([x402Required, geoRestricted]),
      },
      response: { status: 200, description: 'Request proxied successfully' },
      errors: [402, 403, 404, 429, 502, 504],
    }),
  ),
];
