import { z } from 'zod';
import { SEREBRO_SCOPES } from '@seren/contracts';
import { fastifyPath, mountsOf } from './engine.js';
import { documentedErrorStatuses } from './errors.js';
import { policies } from './products.js';
import type { Product, ProductRoutes, RouteDefinition } from './types.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

const statusText: Record<number, string> = {
  400: 'Invalid request',
  401: 'Missing or invalid credentials',
  402: 'Payment required',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  414: 'A path parameter is longer than 100 characters',
  422: 'Unprocessable entity',
  429: 'Too many requests',
  431: 'Request headers larger than 16 KiB',
  500: 'Internal server error',
  503: 'Service unavailable',
};

/** Path and query parameters from a zod object schema. */
function parametersOf(
  schema: z.ZodType | undefined,
  where: 'path' | 'query',
  names: string[] = [],
): JsonSchema[] {
  const properties: Record<string, JsonSchema> = {};
  let required: string[] = [];
  if (schema) {
    const json = toSchema(schema, 'input');
    Object.assign(properties, (json.properties as Record<string, JsonSchema>) ?? {});
    required = (json.required as string[]) ?? [];
  }
  // Every `{param}` of the path is a parameter even without a schema.
  for (const name of names) properties[name] ??= { type: 'string' };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function operationOf(product: Product, route: RouteDefinition, version?: 'v1' | 'v2'): JsonSchema {
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const request = route.request ?? {};
  const responses: Record<string, JsonSchema> = {};
  const contentType = (route.kind === 'forward' && route.response.contentType) || 'application/json';
  responses[String(route.response.status)] = {
    description: route.response.description,
    ...(route.response.schema
      ? { content: { [contentType]: { schema: toSchema(route.response.schema, 'output') } } }
      : {}),
  };
  // A forward's own error bodies (OAuth's, HTML pages) on their statuses; the edge may still answer
  // those statuses itself (a refused input is its 400), in the product's Error.
  const serviceErrors = route.kind === 'forward' ? route.serviceErrors : undefined;
  const productError = { $ref: '#/components/schemas/Error' };
  for (const status of serviceErrors?.statuses ?? []) {
    const type = serviceErrors!.contentType ?? 'application/json';
    const own = serviceErrors!.schema ? toSchema(serviceErrors!.schema, 'output') : { type: 'string' };
    responses[String(status)] ??= {
      description: `${serviceErrors!.description}; or the edge's own refusal, in the product's Error`,
      content:
        type === 'application/json'
          ? { [type]: { schema: { oneOf: [own, productError] } } }
          : { [type]: { schema: own }, 'application/json': { schema: productError } },
    };
  }
  for (const status of [...documentedErrorStatuses(route)].sort()) {
    responses[String(status)] ??= {
      description: statusText[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  // Every answer carries the request id and, on a limited route, the product's limit headers; a
  // 429 adds Retry-After. (431 comes from the HTTP layer before any route: request id only.)
  for (const [status, response] of Object.entries(responses)) {
    const names = ['X-Request-Id', ...(status === '431' ? [] : Object.keys(rateLimitHeaders[product]))];
    if (status === '429') names.push('Retry-After');
    response.headers = Object.fromEntries(names.map((n) => [n, { $ref: `#/components/headers/${n}` }]));
  }
  const bodyContentType = (route.kind === 'forward' && route.request?.contentType) || 'application/json';
  return {
    operationId: `${product}_${version ? `${version}_` : ''}${route.method.toLowerCase()}_${route.path.replace(/[^\w]+/g, '_').replace(/^_|_$/g, '')}`,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: [route.section],
    parameters: [
      ...parametersOf(request.params, 'path', pathParams),
      ...parametersOf(request.query, 'query'),
    ],
    ...(request.body
      ? {
          requestBody: {
            required: true,
            content: { [bodyContentType]: { schema: toSchema(request.body, 'input') } },
          },
        }
      : {}),
    responses,
    security: securityOf(product, route, version),
    'x-rate-limit-class': route.rateLimit,
    ...(route.kind === 'forward' ? { 'x-forwarded-to': route.forward.service } : {}),
    ...(route.highLevel ? { 'x-highlevel-compatible': true } : {}),
  };
}

/**
 * Who may call an operation. Serebro v1: a location or agency API key; v2: an OAuth 2.0 access token
 * or a private integration token, either carrying the row's scope. Elsewhere the bearer credential.
 */
function securityOf(product: Product, route: RouteDefinition, version?: 'v1' | 'v2'): JsonSchema[] {
  if (route.auth === 'none') return [];
  const schemes =
    product !== 'serebro'
      ? [{ bearer: [] }]
      : version === 'v1'
        ? [{ apiKey: [] }]
        : [
            { oauth2: route.scope ? [route.scope] : [] },
            { privateIntegrationToken: route.scope ? [route.scope] : [] },
          ];
  return route.auth === 'optional' ? [{}, ...schemes] : schemes;
}

/** Serebro's scope catalog as OAuth 2.0 scopes (canonical names; HighLevel's names are aliases). */
const serebroScopes = () =>
  Object.fromEntries(
    SEREBRO_SCOPES.map((scope) => [
      scope.name,
      scope.aliases.length > 0
        ? `${scope.description} (also: ${scope.aliases.join(', ')})`
        : scope.description,
    ]),
  );

/** The security schemes of a product's document. */
function securitySchemesOf(product: Product): Record<string, JsonSchema> {
  if (product !== 'serebro')
    return { bearer: { type: 'http', scheme: 'bearer', description: bearerDescriptions[product] } };
  const scopes = serebroScopes();
  return {
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      description:
        'API v1: a location or agency API key (`Authorization: Bearer <key>`). A location key reads only its location; an agency key names one of its locations (`locationId` in the path, query or body). OAuth tokens, PITs and session tokens are refused (401).',
    },
    oauth2: {
      type: 'oauth2',
      description:
        "API v2: an OAuth 2.0 access token of a marketplace app (JWT, `typ: at+jwt`), as HighLevel's. A token without the operation's scope is refused with 401 `UNAUTHORIZED_SCOPE` (\"The token is not authorized for this scope.\"); a Location token on another location's data with 403. API keys and session tokens are refused (401).",
      flows: {
        authorizationCode: {
          authorizationUrl: '/v2/oauth/chooselocation',
          tokenUrl: '/v2/oauth/token',
          refreshUrl: '/v2/oauth/token',
          scopes,
        },
        clientCredentials: { tokenUrl: '/v2/oauth/token', scopes },
      },
    },
    privateIntegrationToken: {
      type: 'http',
      scheme: 'bearer',
      description:
        'API v2: a private integration token (`pit-<uuid>`) of a location or agency, with the scopes chosen when it was made; checked like an OAuth token. It counts as its own app for the rate limits.',
    },
  };
}

const integerHeader = (description: string): JsonSchema => ({ description, schema: { type: 'integer' } });
const minuteHeaders = {
  'X-RateLimit-Limit': integerHeader(
    'Requests allowed in the tightest window of the route (present when it is limited).',
  ),
  'X-RateLimit-Remaining': integerHeader('Requests left in that window.'),
  'X-RateLimit-Reset': integerHeader('When that window resets, in seconds since the epoch.'),
};
/** The limit headers each product sends (see edge/limits.ts), as its spec names them. */
const rateLimitHeaders: Record<Product, Record<string, JsonSchema>> = {
  serelo: minuteHeaders,
  serenai: minuteHeaders,
  serebro: {
    'X-RateLimit-Limit-Daily': integerHeader('Requests allowed per day for this app and resource.'),
    'X-RateLimit-Daily-Remaining': integerHeader('Requests left today.'),
    'X-RateLimit-Interval-Milliseconds': integerHeader('Length of the burst window in milliseconds.'),
    'X-RateLimit-Max': integerHeader('Requests allowed per burst window.'),
    'X-RateLimit-Remaining': integerHeader('Requests left in the current burst window.'),
  },
};
const commonHeaders: Record<string, JsonSchema> = {
  'X-Request-Id': {
    description:
      "The request id: the client's `X-Request-Id` when it matches `^[A-Za-z0-9._:-]{1,128}$`, else a new UUID.",
    schema: { type: 'string' },
  },
  'Retry-After': integerHeader('Seconds to wait before retrying (on 429).'),
};

/** One identity serves the whole suite: the same credentials work on every product's API. */
const ONE_IDENTITY =
  ' One identity serves the whole Seren suite (SerenAI, Serebro, Serelo and `/graphql`): a session access token ' +
  '(JWT, `aud` "seren-suite") from any product\'s login, or a Seren API key (`seren_...`), works on every product. ' +
  'Tokens minted for another audience (e.g. a future OAuth client token for one product) are refused.';

const bearerDescriptions: Record<Product, string> = {
  serenai:
    'An organization API key or a session access token: `Authorization: Bearer <credential>`.' + ONE_IDENTITY,
  // Serebro's credentials are its own (see securitySchemesOf): integrations', not the suite's logins.
  serebro: '',
  serelo:
    'A JWT access token from `POST /api/v1/auth/login` (or a Seren API key): `Authorization: Bearer <access_token>`.' +
    ONE_IDENTITY,
};

/** The OpenAPI 3.1 document of one product, generated from its route table and zod schemas. */
export function openApiDocument<P extends Product>(table: ProductRoutes<P>): JsonSchema {
  const policy = policies[table.product];
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of table.routes) {
    for (const mount of mountsOf(table.product, route)) {
      const path = mount.prefix + route.path;
      (paths[path] ??= {})[route.method.toLowerCase()] = operationOf(table.product, route, mount.version);
    }
  }
  const sortedPaths = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: policy.title,
      version: '1.0.0',
      description: `Served by the Seren gateway. Implemented sections: ${table.implementedSections.join(', ') || 'none yet'}.`,
    },
    servers: [{ url: '/' }],
    paths: sortedPaths,
    components: {
      schemas: { Error: toSchema(policy.errorSchema, 'output') },
      headers: { ...commonHeaders, ...rateLimitHeaders[table.product] },
      securitySchemes: securitySchemesOf(table.product),
    },
  };
}

/** Fastify paths of a table, for tests that list what is mounted. */
export const mountedPaths = <P extends Product>(table: ProductRoutes<P>) =>
  table.routes.flatMap((route) =>
    mountsOf(table.product, route).map((m) => `${route.method} ${m.prefix}${fastifyPath(route.path)}`),
  );
