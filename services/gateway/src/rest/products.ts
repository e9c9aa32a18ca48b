import { z } from 'zod';
import { httpStatusOf, type Caller, type DomainErrorCode } from '@seren/service-kit';
import { looksLikeJwtCredential as looksLikeJwt, type CredentialScheme } from '../edge/credentials.js';
import type { Product, RestError } from './types.js';

/**
 * How one product speaks at its edge: its error body, how GraphQL error codes become its statuses
 * and codes, and which credential its `Authorization: Bearer` header carries.
 */
export interface ProductPolicy {
  product: Product;
  title: string;
  /** The error body of the product, exactly as its spec shows it. */
  errorBody(error: RestError): unknown;
  /** The same, as a schema for the OpenAPI document. */
  errorSchema: z.ZodType;
  /**
   * A GraphQL `extensions.code` (service-kit's DomainErrorCode or an Apollo code) as this product's
   * error; `extensions` are the error's other details (a product may show some: Serebro's `fields`
   * of a validation failure and `meta` of a duplicate).
   */
  errorOf(
    code: string | undefined,
    message: string,
    productCode?: string,
    extensions?: Record<string, unknown>,
  ): RestError;
  /** Why the request's headers are refused, if they are (Serebro's `Version`): answered as that error. */
  headerRefusal?(headers: Record<string, string | string[] | undefined>): RestError | undefined;
  /** The 401 for a missing or refused credential; `reason` is identity's refinement (e.g. TOKEN_EXPIRED). */
  unauthenticated(message: string, reason?: string): RestError;
  /** What a bearer credential is, for identity's `/internal/authenticate`. */
  schemeOf(credential: string, version?: 'v1' | 'v2'): CredentialScheme;
  /** Why an authenticated caller may not use this API (version), if it may not: answered as a 401. */
  refusal?(caller: Caller, version?: 'v1' | 'v2'): string | undefined;
  /** The 401 for a token without the row's scope (Serebro v2). */
  outOfScope?(scope: string): RestError;
  /**
   * The location a request names (Serebro: a `locationId` path parameter, query parameter or JSON
   * body field, as HighLevel's API takes it); the caller must be allowed there (identity decides).
   */
  locationOf?(parts: { params: unknown; query: unknown; body: unknown }): string | undefined;
}

/** Apollo's and graphql-js's own codes, beside service-kit's domain codes. */
const graphqlCodeStatus: Record<string, number> = {
  BAD_USER_INPUT: 400,
  BAD_REQUEST: 400,
  GRAPHQL_PARSE_FAILED: 500, // a route's own operation failed to parse: our bug, not the client's
  GRAPHQL_VALIDATION_FAILED: 500,
  PERSISTED_QUERY_NOT_FOUND: 500,
  INTERNAL_SERVER_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
};

export function statusOfCode(code: string | undefined): number {
  if (!code) return 500;
  if (code in httpStatusOf) return httpStatusOf[code as DomainErrorCode];
  return graphqlCodeStatus[code] ?? 500;
}

/** The message shown for a 5xx: never an internal detail. */
const hideInternal = (status: number, message: string) => (status >= 500 ? 'Internal server error' : message);

// Serelo: {"detail": {"code", "message"}} with the codes of its spec's "Common Error Codes".
const sereloCodes: Record<string, string> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'TOKEN_INVALID',
  CONFLICT: 'CONFLICT',
  VALIDATION_ERROR: 'VALIDATION_ERROR',
  BAD_USER_INPUT: 'VALIDATION_ERROR',
  BAD_REQUEST: 'VALIDATION_ERROR',
  QUOTA_EXCEEDED: 'QUOTA_EXCEEDED',
  PAYMENT_REQUIRED: 'PAYMENT_REQUIRED',
  RATE_LIMITED: 'RATE_LIMIT_EXCEEDED',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
};

export const serelo: ProductPolicy = {
  product: 'serelo',
  title: 'Serelo API',
  errorBody: (error) => ({ detail: { code: error.code, message: error.message, ...error.extra } }),
  errorSchema: z.object({
    detail: z.object({
      code: z.string().meta({ examples: ['VALIDATION_ERROR'] }),
      message: z.string(),
      retry_after: z.number().int().optional().describe('seconds; on 429 only'),
    }),
  }),
  errorOf(code, message, productCode) {
    const status = statusOfCode(code);
    return {
      status,
      code:
        productCode ??
        (status >= 500 && code !== 'SERVICE_UNAVAILABLE'
          ? 'INTERNAL_ERROR'
          : (sereloCodes[code ?? ''] ?? 'INTERNAL_ERROR')),
      message: hideInternal(status, message),
    };
  },
  // Serelo documents TOKEN_EXPIRED and TOKEN_INVALID; any other refusal is TOKEN_INVALID.
  unauthenticated: (message, reason) => ({
    status: 401,
    code: reason === 'TOKEN_EXPIRED' ? 'TOKEN_EXPIRED' : 'TOKEN_INVALID',
    message,
  }),
  schemeOf: () => 'bearer',
};

/** A field a Serebro validation failure names: where (`body.email`, `query.limit`) and what is wrong. */
const serebroField = z.object({ field: z.string(), message: z.string() });

/** The `Version` header values HighLevel's API takes (absent is accepted too). */
export const SEREBRO_VERSIONS = ['2021-07-28', '2021-04-15', '2023-02-21'] as const;

// Serebro: "Response bodies include an error object with code and message" → {"error": {"code",
// "message"}}, with HighLevel's `statusCode` and `message` beside it, so a client written for either
// reads it: {"statusCode": 400, "message": "...", "error": {"code": "VALIDATION_ERROR", "message":
// "...", "fields": [...]}}. A duplicate contact carries HighLevel's `meta` ({contactId, matchingField}).
export const serebro: ProductPolicy = {
  product: 'serebro',
  title: 'Serebro AI API',
  errorBody: (error) => {
    const { meta, ...extra } = error.extra ?? {};
    return {
      statusCode: error.status,
      message: error.message,
      error: { code: error.code, message: error.message, ...extra },
      ...(meta === undefined ? {} : { meta }),
    };
  },
  errorSchema: z.object({
    statusCode: z.number().int().describe("the HTTP status (HighLevel's field)"),
    message: z.string().describe("what went wrong (HighLevel's field; the same as error.message)"),
    error: z.object({
      code: z.string().meta({ examples: ['NOT_FOUND'] }),
      message: z.string(),
      scope: z.string().optional().describe('on 401 UNAUTHORIZED_SCOPE: the scope the route needs'),
      fields: z
        .array(serebroField)
        .optional()
        .describe('on 400 VALIDATION_ERROR: every field that failed, with why'),
    }),
    meta: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("HighLevel's detail, e.g. a duplicate contact's {contactId, contactName, matchingField}"),
  }),
  errorOf(code, message, productCode, extensions) {
    const status = statusOfCode(code);
    const extra: Record<string, unknown> = {};
    if (status < 500) {
      const fields = serebroField.array().safeParse(extensions?.fields);
      if (fields.success && fields.data.length > 0) extra.fields = fields.data;
      const meta = extensions?.meta;
      if (meta && typeof meta === 'object' && !Array.isArray(meta)) extra.meta = meta;
    }
    return {
      status,
      code: productCode ?? (status >= 500 ? 'INTERNAL_ERROR' : (code ?? 'INTERNAL_ERROR')),
      message: hideInternal(status, message),
      ...(Object.keys(extra).length > 0 ? { extra } : {}),
    };
  },
  // HighLevel's clients send `Version: 2021-07-28` (contacts, opportunities) or `2021-04-15`
  // (calendars); an unknown version is refused rather than guessed at.
  headerRefusal(headers) {
    const version = headers.version;
    if (version === undefined) return undefined;
    if (typeof version === 'string' && (SEREBRO_VERSIONS as readonly string[]).includes(version.trim()))
      return undefined;
    return {
      status: 400,
      code: 'INVALID_VERSION',
      message: `Version header must be one of ${SEREBRO_VERSIONS.join(', ')} (or absent)`,
    };
  },
  unauthenticated: (message, reason) => ({ status: 401, code: reason ?? 'UNAUTHENTICATED', message }),
  // v1 takes location/agency API keys; v2 OAuth 2.0 access tokens and private integration tokens.
  schemeOf: (_credential, version) => (version === 'v1' ? 'api_key' : 'bearer'),
  refusal(caller, version) {
    if (caller.kind === 'anonymous') return undefined;
    const accepted = SEREBRO_CREDENTIALS[version ?? 'v2'];
    if (caller.via && (accepted as readonly string[]).includes(caller.via)) return undefined;
    return version === 'v1'
      ? 'API v1 takes a location or agency API key'
      : 'API v2 takes an OAuth 2.0 access token or a private integration token';
  },
  outOfScope: (scope) => ({
    status: 401,
    code: 'UNAUTHORIZED_SCOPE',
    message: SEREBRO_SCOPE_MESSAGE,
    extra: { scope },
  }),
  // HighLevel names it `locationId`, and `location_id` in the opportunities search's snake_case query.
  locationOf({ params, query, body }) {
    for (const part of [params, query, body]) {
      for (const name of ['locationId', 'location_id']) {
        const value = (part as Record<string, unknown> | undefined)?.[name];
        if (typeof value === 'string' && value !== '') return value;
      }
    }
    return undefined;
  },
};

/**
 * The credentials each Serebro version takes, as HighLevel: v1 location and agency API keys; v2
 * OAuth access tokens and private integration tokens. Identity session tokens work on neither (they
 * are a person's login, not an integration's credential); `/graphql` takes them.
 */
export const SEREBRO_CREDENTIALS = { v1: ['api_key'], v2: ['oauth', 'pit'] } as const satisfies Record<
  'v1' | 'v2',
  readonly string[]
>;

/** HighLevel's message for a token without the scope a route needs. */
export const SEREBRO_SCOPE_MESSAGE = 'The token is not authorized for this scope.';
/** HighLevel's message for a token used on another location's data. */
export const SEREBRO_LOCATION_MESSAGE = 'The token does not have access to this location.';

// SerenAI: success bodies are `DataResponse` ({data, pagination}); its one documented error type
// (GeoRestrictedError) is {error, message, ...}, so every error is {"error": "<CODE>", "message": "..."}.
export const serenai: ProductPolicy = {
  product: 'serenai',
  title: 'SerenAI API',
  errorBody: (error) => ({ error: error.code, message: error.message, ...error.extra }),
  errorSchema: z.object({
    error: z.string().meta({ examples: ['NOT_FOUND'] }),
    message: z.string(),
    retry_after: z.number().int().optional().describe('seconds; on 429 only'),
  }),
  errorOf(code, message, productCode) {
    const status = statusOfCode(code);
    return {
      status,
      code: productCode ?? (status >= 500 ? 'INTERNAL_ERROR' : (code ?? 'INTERNAL_ERROR')),
      message: hideInternal(status, message),
    };
  },
  unauthenticated: (message, reason) => ({ status: 401, code: reason ?? 'UNAUTHENTICATED', message }),
  // Organization API keys and session access tokens (JWT) share the bearer header.
  schemeOf: (credential) => (looksLikeJwt(credential) ? 'bearer' : 'api_key'),
};

export const policies: Record<Product, ProductPolicy> = { serenai, serebro, serelo };
