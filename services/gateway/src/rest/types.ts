import type { IncomingHttpHeaders } from 'node:http';
import type { GraphQLFormattedError } from 'graphql';
import type { ResultOf, TadaDocumentNode, VariablesOf } from 'gql.tada';
import type { z } from 'zod';
import type { Caller } from '@seren/service-kit';
import type { SubgraphName } from '../config.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type Product = 'serenai' | 'serebro' | 'serelo';

/** Rate-limit classes of each product (see ../edge/limits.ts for their windows and keys). */
export interface RateLimitClasses {
  serenai:
    | 'general'
    | 'registerAgent'
    | 'updateAgent'
    | 'forgotPassword'
    | 'resendVerification'
    | 'resetPassword'
    | 'verifyEmail'
    | 'recoverWallet';
  serebro: 'api';
  serelo: 'general' | 'login' | 'register' | 'refresh';
}

/** What a route's mapping functions see of the HTTP request, after validation. */
export interface RouteRequest<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  headers: IncomingHttpHeaders;
  /** The path and query string as the client sent them (with Serebro's `/v2` prefix), e.g. for a next page's URL. */
  url: string;
  ip: string;
  /** Who is calling; `anonymous` on public routes. */
  caller: Caller;
  requestId: string;
}

/** An error as a product renders it: status plus the product's code and message. */
export interface RestError {
  status: number;
  code: string;
  message: string;
  /** extra fields the product's error body carries (e.g. Serelo's `retry_after`) */
  extra?: Record<string, unknown>;
}

interface RouteCommon<P extends Product> {
  method: HttpMethod;
  /** The path exactly as the product's spec writes it, with `{param}` segments (e.g. `/api/v1/users/me`). */
  path: string;
  /** The spec section the route belongs to; it names the file the row lives in (see README.md). */
  section: string;
  summary: string;
  description?: string;
  /** `required`: 401 without a valid credential; `optional`: used when present; `none`: never looked at. */
  auth: 'required' | 'optional' | 'none';
  rateLimit: RateLimitClasses[P];
  /** Serebro only: the API versions serving the route (v1 at `/`, v2 at `/v2`). Default: both. */
  versions?: Array<'v1' | 'v2'>;
  /** Documented error statuses (OpenAPI), besides the ones every route has (401, 429, 500). */
  errors?: number[];
  /**
   * Serebro v2: the OAuth scope a token (OAuth access token or PIT) must carry, by its canonical
   * name in `@seren/contracts` (`SEREBRO_SCOPES`, e.g. `locations:read`); without it the answer is
   * 401 "The token is not authorized for this scope.". Required on every v2 row that authenticates
   * (`routes.test.ts` checks). v1 (API keys) has no scopes.
   */
  scope?: string;
  /**
   * Why a row that is not an operation of the product's spec is served (e.g. a HighLevel endpoint
   * Serebro's integrators call); the spec-coverage test accepts such a row.
   */
  beyondSpec?: string;
  /**
   * Serebro: the row serves one of HighLevel's v2 paths for a Serebro operation (a HighLevel client
   * changes only its base URL); OpenAPI marks it `x-highlevel-compatible`.
   */
  highLevel?: boolean;
}

/** Request schemas: validated in order params, query, body; a failure answers 400 in the product's shape. */
export interface RequestSchemas<PS extends z.ZodType, QS extends z.ZodType, BS extends z.ZodType> {
  params?: PS;
  query?: QS;
  /** JSON body; a route with a body schema requires `Content-Type: application/json`. */
  body?: BS;
}

/**
 * A typed GraphQL document of one named operation (`graphql(...)` from ./graphql.ts). Any such
 * document fits: `never` variables accept every variables type, `unknown` every result.
 */
export type OperationDocument = TadaDocumentNode<unknown, never>;

/** A route served by running one GraphQL operation over the supergraph in-process. */
export interface OperationRoute<
  P extends Product = Product,
  PS extends z.ZodType = z.ZodType,
  QS extends z.ZodType = z.ZodType,
  BS extends z.ZodType = z.ZodType,
  D extends OperationDocument = OperationDocument,
  RS extends z.ZodType = z.ZodType,
> extends RouteCommon<P> {
  kind: 'operation';
  request?: RequestSchemas<PS, QS, BS>;
  /** The typed GraphQL document (one named operation, with its fragments). */
  operation: D;
  /** Request → the operation's variables; required when the operation has a required variable. */
  variables?: (request: RouteRequest<z.output<PS>, z.output<QS>, z.output<BS>>) => VariablesOf<D>;
  response: {
    status: number;
    description: string;
    /** The documented body (OpenAPI; in tests every body served is checked against it); omit for 204. */
    schema?: RS;
    /** Operation data → the documented body. Default: the data as is. */
    body?: (
      data: ResultOf<D>,
      request: RouteRequest<z.output<PS>, z.output<QS>, z.output<BS>>,
    ) => z.input<RS>;
    /** Response headers derived from the data (e.g. Location). */
    headers?: (data: ResultOf<D>) => Record<string, string>;
  };
  /** Overrides the product's mapping of a GraphQL error; return undefined to keep the default. */
  mapError?: (error: GraphQLFormattedError) => RestError | undefined;
}

/**
 * A route forwarded as HTTP to the owning service's internal endpoint, for exchanges GraphQL cannot
 * carry: multipart uploads, raw-body signed webhooks, redirects, server-sent events, CSV downloads,
 * the publisher proxy with 402. The body and query string travel verbatim.
 */
export interface ForwardRoute<P extends Product = Product> extends RouteCommon<P> {
  kind: 'forward';
  forward: {
    service: SubgraphName;
    /** The internal path; `{param}` segments are filled from the public path. */
    path: string;
    /** Request headers passed through besides content-type/accept (e.g. `stripe-signature`, `x-payment`). */
    headers?: string[];
    /**
     * Pass every end-to-end request header (not the hop-by-hop ones, `authorization`, `cookie`, `host`
     * or the edge's own): the publisher proxy, whose allowlist is each publisher's and is applied by
     * the owning service.
     */
    allHeaders?: boolean;
    /**
     * By default an error answered in service-kit's `{code, message}` shape is rendered in the product's
     * error shape; set to pass every response through untouched (e.g. a 402 with payment requirements).
     */
    passThroughErrors?: boolean;
  };
  /** For the OpenAPI document only: what the request carries. */
  request?: { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; contentType?: string };
  /**
   * Error answers of the owning service that are not in the product's error shape, by status: OAuth's
   * RFC 6749 bodies (`{error, error_description}`), a browser page's HTML. OpenAPI documents them
   * for these statuses (with `passThroughErrors`), and the fuzz checks hold the answers to them; the
   * edge's own errors (a refused input's 400, 413, 429, 431...) keep the product's shape, documented beside.
   */
  serviceErrors?: { statuses: number[]; description: string; schema?: z.ZodType; contentType?: string };
  response: { status: number; description: string; schema?: z.ZodType; contentType?: string };
  /** Largest accepted body in bytes (default FORWARD_BODY_LIMIT_BYTES). */
  bodyLimit?: number;
  /**
   * Stream the request body to the service as it arrives instead of reading it first (uploads): the
   * edge never holds it whole; `bodyLimit` is still enforced (413), by Content-Length up front and
   * by counting the bytes of a chunked body.
   */
  streamBody?: boolean;
}

export type RouteDefinition<P extends Product = Product> = OperationRoute<P> | ForwardRoute<P>;

/** An operation with a required variable needs a `variables` mapping; one without may leave it out. */
type VariablesRequired<D extends OperationDocument, R> =
  Record<string, never> extends VariablesOf<D> ? unknown : { variables: (request: R) => VariablesOf<D> };

/**
 * The row builders of one product: `route.operation({...})` infers the request types from the zod
 * schemas and the data and variables types from the typed document, so `variables` must return the
 * operation's variables and `response.body` receives its data and must return the documented body
 * (the response schema's input type); `route.forward({...})` declares a forward.
 */
export function routeBuilder<P extends Product>() {
  return {
    operation<
      D extends OperationDocument,
      PS extends z.ZodType = z.ZodType<Record<string, string>>,
      QS extends z.ZodType = z.ZodType<Record<string, unknown>>,
      BS extends z.ZodType = z.ZodType<unknown>,
      RS extends z.ZodType = z.ZodType<unknown>,
    >(
      route: Omit<OperationRoute<P, PS, QS, BS, D, RS>, 'kind'> &
        VariablesRequired<D, RouteRequest<z.output<PS>, z.output<QS>, z.output<BS>>>,
    ): OperationRoute<P> {
      // The table holds rows of many types; the engine calls each with what its own schemas parsed.
      return { kind: 'operation', ...route } as unknown as OperationRoute<P>;
    },
    forward(route: Omit<ForwardRoute<P>, 'kind'>): ForwardRoute<P> {
      return { kind: 'forward', ...route };
    },
  };
}

/** The table of one product: its rows, and the spec sections whose every operation must be present. */
export interface ProductRoutes<P extends Product> {
  product: P;
  routes: RouteDefinition<P>[];
  /**
   * Sections declared complete: the spec-coverage test fails if one of their spec operations is
   * missing. A section joins this list when its last route lands.
   */
  implementedSections: string[];
}
