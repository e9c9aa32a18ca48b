import { Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler, RouteOptions } from 'fastify';
import { print, type DocumentNode } from 'graphql';
import type { z } from 'zod';
import { decodeUtf8, describePath, findUnsafeText } from '@seren/contracts';
import { anonymous, type Caller, type Logger } from '@seren/service-kit';
import type { RateWindow } from '../config.js';
import { bearerOf, IdentityUnavailable, type Authenticator, type Refused } from '../edge/authenticate.js';
import { exceededWindow, hitsFor, productLimits, type ProductLimits } from '../edge/limits.js';
import type { RateLimitStore } from '../edge/rate-limit.js';
import type { GraphExecutor } from '../graphql/context.js';
import {
  describeZodError,
  documentedErrorStatuses,
  fieldsOfZodError,
  productCodeOf,
  RestFailure,
} from './errors.js';
import type { Forwarder } from './forward.js';
import { policies, type ProductPolicy } from './products.js';
import type {
  ForwardRoute,
  OperationRoute,
  Product,
  ProductRoutes,
  RestError,
  RouteDefinition,
  RouteRequest,
} from './types.js';

export interface RestEngine {
  graph: GraphExecutor;
  authenticator: Authenticator;
  forwarder: Forwarder;
  /** undefined when rate limiting is switched off */
  limiter?: RateLimitStore;
  limitOverrides?: Record<string, RateWindow[]>;
  forwardBodyLimit: number;
  logger: Logger;
  /**
   * Check every answer of an operation row against what the row documents (on in tests,
   * `NODE_ENV=test`): its status and response schema, or a documented error status with the
   * product's error body. A mismatch is logged with the zod issues and answered as a 500, so the
   * OpenAPI document cannot drift from what is served.
   */
  checkResponses?: boolean;
  /**
   * Whether the request may act as `caller` here, once its location is resolved (Serebro's branded
   * hosts: a location's host serves only that location); a refusal is answered before anything runs.
   * Undefined (not a promise) when there is nothing to ask, so the usual request awaits nothing more.
   */
  admit?: (request: FastifyRequest, caller: Caller) => Promise<RestError | undefined> | undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** the authenticated caller, for the access log */
    edgeCaller?: Caller;
  }
}

/** `/users/{user_id}` → `/users/:user_id`; a greedy last `{path}` of a forward becomes `*`. */
export function fastifyPath(path: string, greedyLast = false): string {
  const converted = path.replace(/\{(\w+)\}/g, ':$1');
  return greedyLast ? converted.replace(/:(\w+)$/, '*') : converted;
}

/** Where a route is mounted: Serebro serves v1 at `/` and v2 at `/v2`; the others at the spec path. */
export function mountsOf(
  product: Product,
  route: RouteDefinition,
): Array<{ prefix: string; version?: 'v1' | 'v2' }> {
  if (product !== 'serebro') return [{ prefix: '' }];
  return (route.versions ?? ['v1', 'v2']).map((version) => ({
    prefix: version === 'v1' ? '' : '/v2',
    version,
  }));
}

const isJson = (contentType: string | undefined) =>
  !!contentType && /^application\/([\w.+-]*\+)?json\s*(;|$)/i.test(contentType);

/** Sends a product error, with `Retry-After` on 429. */
export function sendError(reply: FastifyReply, policy: ProductPolicy, error: RestError): FastifyReply {
  const retryAfter = error.extra?.retry_after;
  if (error.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.status(error.status).send(policy.errorBody(error));
}

/** Mounts a product's route table on its listener. */
export function mountRoutes<P extends Product>(
  app: FastifyInstance,
  table: ProductRoutes<P>,
  engine: RestEngine,
): void {
  const policy = policies[table.product];
  const limits = productLimits[table.product] as ProductLimits<P>;
  for (const route of table.routes) {
    for (const mount of mountsOf(table.product, route)) {
      const greedy = route.kind === 'forward' && /\{path\}$/.test(route.path);
      // The typed document is printed once; the graph parses and plans each distinct text once.
      const document =
        route.kind === 'operation' ? print(route.operation as unknown as DocumentNode) : undefined;
      const routeOptions = {
        method: route.method,
        url: mount.prefix + fastifyPath(route.path, greedy),
        bodyLimit: route.kind === 'forward' ? (route.bodyLimit ?? engine.forwardBodyLimit) : undefined,
        ...(engine.checkResponses && route.kind === 'operation'
          ? { onSend: responseCheck(route, policy, engine.logger) }
          : {}),
        handler: (request: FastifyRequest, reply: FastifyReply) =>
          handle(request, reply, {
            route,
            document,
            version: mount.version,
            policy,
            limits,
            engine,
            product: table.product,
          }),
      } satisfies RouteOptions;
      if (route.kind === 'forward' && route.streamBody) {
        // Its own scope whose only body parser hands the request stream on unread.
        app.register(async (scope) => {
          scope.removeAllContentTypeParsers();
          scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
          scope.route(routeOptions);
        });
      } else app.route(routeOptions);
    }
  }
}

/** A streamed body that went past its route's limit. */
class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes`);
  }
}

/**
 * The body of a streaming forward, refused at once when its Content-Length is over the limit and
 * otherwise counted as it passes: past the limit the stream fails and the forward with it.
 */
function limitedBody(request: FastifyRequest, limit: number): Readable | undefined {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLarge(limit);
  const raw = request.body;
  if (!(raw instanceof Readable)) return undefined;
  // Node's parser ends a body at its Content-Length: only a chunked body needs counting
  if (Number.isFinite(declared)) return raw;
  let seen = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) done(new BodyTooLarge(limit));
      else done(null, chunk);
    },
  });
  raw.on('error', (error) => counted.destroy(error));
  return raw.pipe(counted);
}

interface Handling<P extends Product> {
  route: RouteDefinition<P>;
  /** an operation row's printed document */
  document?: string;
  version?: 'v1' | 'v2';
  policy: ProductPolicy;
  limits: ProductLimits<P>;
  engine: RestEngine;
  product: P;
}

async function handle<P extends Product>(request: FastifyRequest, reply: FastifyReply, h: Handling<P>) {
  const { route, policy, engine } = h;
  try {
    // 0. Headers the product refuses whoever calls (Serebro's `Version`).
    const badHeaders = policy.headerRefusal?.(request.headers);
    if (badHeaders) return refuse(request, reply, h, badHeaders);

    // 1. Who: one authentication per request (cached per credential for at most 5 s).
    let caller: Caller = anonymous;
    let internalToken: string | undefined;
    const credential = route.auth !== 'none' ? bearerOf(request.headers.authorization) : undefined;
    if (route.auth !== 'none') {
      if (credential) {
        const answer = await engine.authenticator.authenticate(
          credential,
          policy.schemeOf(credential, h.version),
        );
        if (!answer.ok) return refuse(request, reply, h, refusalOf(policy, answer));
        caller = answer.caller;
        internalToken = answer.internalToken;
        request.edgeCaller = caller;
        // 1b. The credentials this API (version) takes, and the row's scope (Serebro v2).
        const wrongCredential = policy.refusal?.(caller, h.version);
        if (wrongCredential)
          return refuse(
            request,
            reply,
            h,
            unauthenticated(policy, wrongCredential, 'UNAUTHENTICATED'),
            caller,
          );
        if (route.scope && h.version === 'v2' && !caller.scopes.includes(route.scope) && policy.outOfScope)
          return refuse(request, reply, h, policy.outOfScope(route.scope), caller);
      } else if (route.auth === 'required') {
        return refuse(request, reply, h, unauthenticated(policy, 'Missing or invalid auth token'));
      }
    }
    internalToken ??= await engine.authenticator.anonymousToken();

    // 2. The body: JSON for operation routes that take one; raw bytes for forwards.
    let body: unknown;
    if (route.kind === 'operation' && route.request?.body) {
      const raw = request.body as Buffer | undefined;
      if (raw && raw.length > 0) {
        if (!isJson(request.headers['content-type'])) {
          return refuse(
            request,
            reply,
            h,
            policy.errorOf('VALIDATION_ERROR', 'Content-Type must be application/json'),
            caller,
          );
        }
        const text = decodeUtf8(raw);
        if (text === undefined) {
          return refuse(
            request,
            reply,
            h,
            policy.errorOf('VALIDATION_ERROR', 'body is not valid UTF-8'),
            caller,
          );
        }
        try {
          body = JSON.parse(text);
        } catch {
          return refuse(request, reply, h, policy.errorOf('VALIDATION_ERROR', 'Malformed JSON body'), caller);
        }
      }
    }

    // 2b. Text no route may take, wherever it is: a NUL or a lone surrogate in a path segment, a
    // query value or any string (or key) of the JSON body, at any depth. PostgreSQL cannot store
    // either, so refusing them here, once, keeps every route (and every future one) from a 500.
    const unsafe =
      findUnsafeText(request.params, ['params']) ??
      findUnsafeText(request.query, ['query']) ??
      findUnsafeText(body, ['body']);
    if (unsafe) {
      return refuse(
        request,
        reply,
        h,
        policy.errorOf('VALIDATION_ERROR', `${describePath(unsafe.path)} ${unsafe.problem}`),
        caller,
      );
    }

    // 2c. The location the request names (Serebro): a location credential acts only in its own, an
    // agency credential in its locations (identity decides); the caller then acts in that location.
    const locationId =
      credential && caller.kind !== 'anonymous'
        ? policy.locationOf?.({ params: request.params, query: request.query, body })
        : undefined;
    if (credential && locationId && locationId !== caller.organizationId) {
      const located = await engine.authenticator.authenticate(
        credential,
        policy.schemeOf(credential, h.version),
        locationId,
      );
      if (!located.ok) return refuse(request, reply, h, refusalOf(policy, located), caller);
      caller = located.caller;
      internalToken = located.internalToken;
      request.edgeCaller = caller;
    }
    const admission = credential ? engine.admit?.(request, caller) : undefined;
    const refusal = admission && (await admission);
    if (refusal) return refuse(request, reply, h, refusal, caller);

    // 3. Limits, shared across instances; an unavailable limiter lets the request through. A read
    // (GET operation) whose counters were far from their limits at this instance's last look runs
    // alongside its count instead of after it, and its answer waits for the count: an exceeded
    // limit still answers 429. The overshoot this allows is bounded by the requests in flight.
    let pendingLimit: (() => Promise<boolean>) | undefined;
    const limit = countRequest(request, reply, h, caller, body);
    if (limit?.readAhead) pendingLimit = limit.admit;
    else if (limit && !(await limit.admit())) return reply;

    // 4. Run it.
    if (route.kind === 'forward') {
      const streamed = route.streamBody
        ? limitedBody(request, route.bodyLimit ?? engine.forwardBodyLimit)
        : undefined;
      return await engine.forwarder.forward(
        {
          route: route as ForwardRoute,
          params: forwardParams(request.params as Record<string, string>, route.path),
          search: searchOf(request.url),
          method: request.method,
          headers: request.headers,
          body: streamed ?? (Buffer.isBuffer(request.body) ? request.body : undefined),
          internalToken,
          requestId: request.id,
          clientIp: request.ip,
        },
        reply,
        policy,
      );
    }
    return await runOperation(
      request,
      reply,
      route as OperationRoute<P>,
      { caller, internalToken, body, pendingLimit },
      h,
    );
  } catch (error) {
    if (error instanceof RestFailure) return sendError(reply, policy, error.error);
    const tooLarge = error instanceof BodyTooLarge ? error : (error as { cause?: unknown }).cause;
    if (tooLarge instanceof BodyTooLarge) {
      reply.header('connection', 'close');
      // uploads are files: every product's code for it is the spec's FILE_TOO_LARGE
      return sendError(reply, policy, { status: 413, code: 'FILE_TOO_LARGE', message: tooLarge.message });
    }
    if (error instanceof IdentityUnavailable) {
      engine.logger.error({ err: error, reqId: request.id }, 'identity unavailable');
      return sendError(
        reply,
        policy,
        policy.errorOf('SERVICE_UNAVAILABLE', 'Service temporarily unavailable'),
      );
    }
    engine.logger.error(
      { err: error, reqId: request.id, route: `${route.method} ${route.path}` },
      'route failed',
    );
    return sendError(reply, policy, policy.errorOf('INTERNAL_SERVER_ERROR', 'Internal server error'));
  }
}

async function runOperation<P extends Product>(
  request: FastifyRequest,
  reply: FastifyReply,
  route: OperationRoute<P>,
  auth: { caller: Caller; internalToken: string; body: unknown; pendingLimit?: () => Promise<boolean> },
  h: Handling<P>,
) {
  const { policy } = h;
  const schemas = route.request ?? {};
  const parsed: Record<'params' | 'query' | 'body', unknown> = {
    params: request.params,
    query: request.query,
    body: auth.body,
  };
  // Every part is checked, so the answer can list every bad field (Serebro shows them all); the
  // message describes the first part that failed.
  let invalid: string | undefined;
  const fields: { field: string; message: string }[] = [];
  for (const part of ['params', 'query', 'body'] as const) {
    const schema = schemas[part] as z.ZodType | undefined;
    if (!schema) continue;
    const result = schema.safeParse(parsed[part]);
    if (!result.success) {
      invalid ??= describeZodError(part, result.error);
      fields.push(...fieldsOfZodError(part, result.error));
      continue;
    }
    parsed[part] = result.data;
  }
  if (invalid !== undefined)
    return sendError(reply, policy, policy.errorOf('VALIDATION_ERROR', invalid, undefined, { fields }));
  const routeRequest: RouteRequest = {
    params: parsed.params as Record<string, string>,
    query: parsed.query as Record<string, unknown>,
    body: parsed.body,
    headers: request.headers,
    url: request.url,
    ip: request.ip,
    caller: auth.caller,
    requestId: request.id,
  };
  const variables: Record<string, unknown> = route.variables ? route.variables(routeRequest as never) : {};
  const result = await h.engine.graph.execute(
    h.document ?? print(route.operation as unknown as DocumentNode),
    variables,
    {
      internalToken: auth.internalToken,
      requestId: request.id,
      traceparent: headerOf(request, 'traceparent'),
      tracestate: headerOf(request, 'tracestate'),
      clientIp: request.ip,
      userAgent: headerOf(request, 'user-agent'),
    },
  );
  // A read that ran ahead of its count answers only once the count allows it.
  if (auth.pendingLimit && !(await auth.pendingLimit())) return reply;
  const error = result.errors?.[0];
  if (error) {
    const mapped =
      route.mapError?.(error) ??
      policy.errorOf(
        error.extensions?.code as string | undefined,
        error.message,
        productCodeOf(error.extensions),
        error.extensions,
      );
    if (mapped.status >= 500) h.engine.logger.error({ reqId: request.id, error }, 'operation failed');
    // a service's own 429 (identity's login backoff) says when to retry, like the edge's
    const retryAfter = error.extensions?.retryAfter;
    if (mapped.status === 429 && typeof retryAfter === 'number') {
      mapped.extra = { ...mapped.extra, retry_after: retryAfter };
      reply.header('retry-after', String(retryAfter));
    }
    return sendError(reply, policy, mapped);
  }
  const data = result.data ?? {};
  const body = route.response.body ? route.response.body(data as never, routeRequest as never) : data;
  if (route.response.headers) reply.headers(route.response.headers(data as never));
  reply.status(route.response.status);
  return route.response.status === 204 ? reply.send() : reply.send(body);
}

/**
 * Counts a request in its route's windows (shared across instances; `undefined` when the route has
 * none or the limiter is off). `admit()` advertises the windows and, when one is exceeded, sends the
 * 429 and answers false; an unavailable limiter admits. `readAhead`: a GET operation whose counters
 * were far from their limits at this instance's last look may run before `admit()` settles.
 */
function countRequest<P extends Product>(
  request: FastifyRequest,
  reply: FastifyReply,
  h: Handling<P>,
  caller: Caller,
  body: unknown,
): { admit: () => Promise<boolean>; readAhead: boolean } | undefined {
  const limiter = h.engine.limiter;
  if (!limiter) return undefined;
  const hits = hitsFor(
    h.product,
    h.route.rateLimit,
    { caller, ip: request.ip, body, tokens: h.engine.authenticator },
    h.engine.limitOverrides,
  );
  if (hits.length === 0) return undefined;
  const counted = limiter.hit(hits);
  const admit = async () => {
    const states = await counted;
    if (!states) return true;
    reply.headers(h.limits.headers(states));
    const exceeded = exceededWindow(states);
    if (exceeded) sendError(reply, h.policy, h.limits.tooMany(exceeded, Date.now()));
    return !exceeded;
  };
  const readAhead = h.route.kind === 'operation' && h.route.method === 'GET' && limiter.farFromLimits(hits);
  return { admit, readAhead };
}

/**
 * Refuses a request before it runs (bad credential, unreadable body), still counting it against the
 * route's limits and advertising them: guessing tokens or sending junk is no way around the limits,
 * and every answer carries the headers. Over the limit, the answer is the 429.
 */
async function refuse<P extends Product>(
  request: FastifyRequest,
  reply: FastifyReply,
  h: Handling<P>,
  error: RestError,
  caller: Caller = anonymous,
): Promise<FastifyReply> {
  const limit = countRequest(request, reply, h, caller, undefined);
  if (limit && !(await limit.admit())) return reply;
  return sendError(reply, h.policy, error);
}

function unauthenticated(policy: ProductPolicy, message: string, reason?: string): RestError {
  return policy.unauthenticated(message, reason);
}

/** Identity's refusal: 401 for a bad credential, 403 for a good one in a location it may not act in. */
function refusalOf(policy: ProductPolicy, refused: Refused): RestError {
  if (refused.status === 403) return policy.errorOf('FORBIDDEN', refused.message, refused.errorCode);
  return unauthenticated(policy, refused.message, refused.errorCode);
}

function headerOf(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}

function searchOf(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? '' : url.slice(at);
}

/** Fastify names a greedy tail `*`; the route's path calls it by its spec name. */
function forwardParams(params: Record<string, string>, path: string): Record<string, string> {
  if (!('*' in params)) return params;
  const last = /\{(\w+)\}$/.exec(path)?.[1];
  const { '*': tail, ...rest } = params;
  return last ? { ...rest, [last]: tail ?? '' } : rest;
}

/**
 * The test-mode check of an operation row's answers (see `RestEngine.checkResponses`): the documented
 * status with its schema (no body on 204), or a documented error status with the product's error body.
 */
function responseCheck(route: OperationRoute, policy: ProductPolicy, logger: Logger): onSendHookHandler {
  const errorStatuses = documentedErrorStatuses(route);
  return (request, reply, payload, done) => {
    // the edge answered it as unrouted (a trailing slash where the row has a parameter): not this row's answer
    if (request.unrouted) return done(null, payload);
    const status = reply.statusCode;
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString() : '';
    let problem: string | undefined;
    let issues: unknown;
    if (status === route.response.status) {
      if (status === 204 || !route.response.schema) {
        if (status === 204 && text !== '') problem = 'a 204 with a body';
      } else {
        const parsed = route.response.schema.safeParse(parseJson(text));
        if (!parsed.success)
          [problem, issues] = ['the body does not match the response schema', parsed.error.issues];
      }
    } else if (errorStatuses.has(status)) {
      const parsed = policy.errorSchema.safeParse(parseJson(text));
      if (!parsed.success)
        [problem, issues] = ["the error body is not the product's error shape", parsed.error.issues];
    } else {
      problem = `status ${status} is not documented (${route.response.status}, ${[...errorStatuses].join(', ')})`;
    }
    if (!problem) return done(null, payload);
    logger.error(
      { reqId: request.id, route: `${route.method} ${route.path}`, status, body: text, issues },
      `undocumented response: ${problem}`,
    );
    reply.status(500);
    reply.header('content-type', 'application/json; charset=utf-8');
    const error = {
      status: 500,
      code: 'UNDOCUMENTED_RESPONSE',
      message: `${route.method} ${route.path}: ${problem}`,
    };
    done(null, JSON.stringify(policy.errorBody(error)));
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
