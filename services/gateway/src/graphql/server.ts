import { ApolloGateway } from '@apollo/gateway';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Dispatcher } from 'undici';
import { decodeUtf8 } from '@seren/contracts';
import { anonymous, safeInputPlugin, type Logger } from '@seren/service-kit';
import type { RateWindow, SubgraphName } from '../config.js';
import { bearerOf, IdentityUnavailable, type Authenticator } from '../edge/authenticate.js';
import { looksLikeJwtCredential, looksLikePitCredential } from '../edge/credentials.js';
import { exceededWindow, limitRemainingReset, retryAfterSeconds } from '../edge/limits.js';
import type { RateLimitStore, WindowState } from '../edge/rate-limit.js';
import type { GatewayContext, GraphExecutor, OperationResult } from './context.js';
import { EdgeDataSource } from './data-source.js';
import { withoutStackTraces } from './errors.js';
import { memoiseGatewayOperations } from './operation-cache.js';
import { graphiqlAssets, graphiqlPage } from './graphiql.js';
import { credentialMutationsOf, graphqlHits, mayWrite } from './limits.js';

export interface GraphOptions {
  supergraphSdl: string;
  urls: Record<SubgraphName, string>;
  dispatcher: Dispatcher;
  logger: Logger;
  introspection: boolean;
  /** how many distinct operations the query plan cache should hold (REST routes + GraphQL clients) */
  expectedOperations: number;
  /** keep stack traces in error responses (GRAPHQL_DEBUG); off, they are stripped, subgraphs' too */
  debug?: boolean;
}

export interface Graph extends GraphExecutor {
  apollo: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  stop(): Promise<void>;
}

/** Roughly what one cached query plan takes; plans of REST-sized operations are a few KiB. */
const PLAN_BYTES = 16 * 1024;

/**
 * The federated graph: @apollo/gateway over the static supergraph, on @apollo/server. Its subgraph
 * fetches go through one keep-alive pool, carrying the caller's internal token, request id and trace
 * context; the query plan cache is sized for the operations it will see.
 */
export async function startGraph(options: GraphOptions): Promise<Graph> {
  // the federation Operation of each document is made once, beside its cached query plan
  memoiseGatewayOperations();
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    logger: options.logger,
    // Each subgraph's URL comes from configuration, not from the URL written into the supergraph.
    buildService: ({ name }) =>
      new EdgeDataSource({
        url: new URL('/graphql', options.urls[name as SubgraphName] ?? 'http://invalid').toString(),
        dispatcher: options.dispatcher,
      }),
    experimental_approximateQueryPlanStoreMiB: Math.max(
      4,
      Math.ceil((options.expectedOperations * PLAN_BYTES) / 2 ** 20),
    ),
  });
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    logger: options.logger,
    includeStacktraceInErrorResponses: options.debug ?? false,
    // @apollo/gateway passes each subgraph's extensions through, stack traces included.
    formatError: (formatted) => (options.debug ? formatted : withoutStackTraces(formatted)),
    // Compact JSON: the default pretty-prints every response (more CPU and bytes, for no client).
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      // A NUL or lone surrogate in a variable or literal is a 400 BAD_USER_INPUT naming it.
      safeInputPlugin<GatewayContext>(),
      // GraphiQL is served from npm assets instead of Apollo's CDN-hosted landing page.
      ApolloServerPluginLandingPageDisabled(),
      // The edge sets no cache headers; computing a cache policy per field would be wasted work.
      ApolloServerPluginCacheControlDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
    ],
  });
  await apollo.start();

  return {
    apollo,
    gateway,
    async execute(document, variables, context): Promise<OperationResult> {
      const response = await apollo.executeOperation(
        { query: document, variables },
        { contextValue: context },
      );
      if (response.body.kind !== 'single') throw new Error('incremental delivery is not used by REST routes');
      return response.body.singleResult as OperationResult;
    },
    stop: () => apollo.stop(),
  };
}

export interface GraphRouteOptions {
  graph: Graph;
  authenticator: Authenticator;
  logger: Logger;
  graphiql: boolean;
  /** shared counters (see limits.ts); absent when RATE_LIMITS_ENABLED=false */
  limiter?: RateLimitStore;
  limitOverrides?: Record<string, RateWindow[]>;
}

/**
 * `/graphql`: POST and GET queries over the supergraph, and GraphiQL for a browser (a GET that
 * accepts HTML). A bearer credential is authenticated once; no credential is an anonymous caller.
 */
export function mountGraphQL(app: FastifyInstance, options: GraphRouteOptions): void {
  const assets = options.graphiql ? graphiqlAssets() : {};
  const page = graphiqlPage('/graphql');

  app.get('/graphql/assets/:file', async (request, reply) => {
    const asset = assets[(request.params as { file: string }).file];
    if (!asset) return reply.status(404).send({ errors: [{ message: 'not found' }] });
    return reply
      .header('content-type', asset.contentType)
      .header('cache-control', 'public, max-age=86400')
      .send(asset.body);
  });

  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const accept = request.headers.accept ?? '';
    const hasQuery = request.url.includes('?');
    if (request.method === 'GET' && options.graphiql && !hasQuery && accept.includes('text/html')) {
      return reply.header('content-type', 'text/html; charset=utf-8').send(page);
    }

    let body: unknown;
    const raw = request.body as Buffer | undefined;
    if (request.method === 'POST') {
      const contentType = request.headers['content-type'] ?? '';
      if (!/^application\/(graphql-response\+)?json/i.test(contentType)) {
        return graphqlError(
          reply,
          400,
          'BAD_REQUEST',
          'POST bodies must be JSON (Content-Type: application/json)',
        );
      }
      const text = raw && raw.length > 0 ? decodeUtf8(raw) : '';
      if (text === undefined) return graphqlError(reply, 400, 'BAD_REQUEST', 'body is not valid UTF-8');
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        return graphqlError(reply, 400, 'BAD_REQUEST', 'Malformed JSON body');
      }
    }

    let internalToken: string;
    const credential = bearerOf(request.headers.authorization);
    try {
      if (credential) {
        const answer = await options.authenticator.authenticate(
          credential,
          looksLikeJwtCredential(credential) || looksLikePitCredential(credential) ? 'bearer' : 'api_key',
        );
        if (!answer.ok) return graphqlError(reply, 401, 'UNAUTHENTICATED', answer.message);
        // An integration's scoped credential is for Serebro's v2 REST API, whose rows check its
        // scope; on the graph it would act as its user with none of those checks.
        if (answer.caller.via === 'oauth' || answer.caller.via === 'pit')
          return graphqlError(
            reply,
            401,
            'UNAUTHENTICATED',
            'OAuth access tokens and private integration tokens authenticate on the Serebro v2 REST API only',
          );
        request.edgeCaller = answer.caller;
        internalToken = answer.internalToken;
      } else {
        internalToken = await options.authenticator.anonymousToken();
      }
    } catch (error) {
      if (error instanceof IdentityUnavailable)
        return graphqlError(reply, 503, 'SERVICE_UNAVAILABLE', 'Service temporarily unavailable');
      throw error;
    }

    const at = request.url.indexOf('?');
    const search = at === -1 ? '' : request.url.slice(at);
    // A read far from its limits runs alongside its count (as REST GETs do) and its answer waits for
    // the count; anything that may write is counted first.
    let pendingLimit: (() => Promise<boolean>) | undefined;
    if (options.limiter) {
      const limit = limitRequest(request, reply, body, search, options);
      if (limit.readAhead) pendingLimit = limit.admit;
      else if (!(await limit.admit())) return reply;
    }

    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const context: GatewayContext = {
      internalToken,
      requestId: request.id,
      traceparent: typeof request.headers.traceparent === 'string' ? request.headers.traceparent : undefined,
      tracestate: typeof request.headers.tracestate === 'string' ? request.headers.tracestate : undefined,
      clientIp: request.ip,
      userAgent:
        typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
    };
    const response = await options.graph.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method,
        headers,
        search,
        body,
      },
      context: async () => context,
    });
    if (pendingLimit && !(await pendingLimit())) return reply;
    for (const [name, value] of response.headers) reply.header(name, value);
    reply.status(response.status ?? 200);
    if (response.body.kind === 'complete') return reply.send(response.body.string);
    // Incremental delivery (@defer): stream the parts as they come.
    const { Readable } = await import('node:stream');
    return reply.send(Readable.from(response.body.asyncIterator));
  };

  app.get('/graphql', handler);
  app.post('/graphql', handler);
}

/**
 * Counts the request against the graph's limits. `admit()` advertises them (X-RateLimit-Limit,
 * -Remaining, -Reset) and answers false once it has sent a 429 or 400; a limiter outage lets the
 * request through. `readAhead`: the request only reads and was far from its limits at this
 * instance's last look, so it may run before `admit()` settles.
 */
function limitRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  body: unknown,
  search: string,
  options: GraphRouteOptions,
): { admit: () => Promise<boolean>; readAhead: boolean } {
  const credentialCalls = credentialMutationsOf(body, search);
  if (credentialCalls.length > 1) {
    const refuse = async () => {
      graphqlError(
        reply,
        400,
        'BAD_REQUEST',
        `At most one of ${[...new Set(credentialCalls)].join(', ')} per request`,
      );
      return false;
    };
    return { admit: refuse, readAhead: false };
  }
  const limiter = options.limiter!;
  const hits = graphqlHits(
    { caller: request.edgeCaller ?? anonymous, ip: request.ip, body, tokens: options.authenticator },
    credentialCalls.length,
    options.limitOverrides,
  );
  const counted = limiter.hit(hits);
  return {
    admit: () => admitCounted(reply, counted),
    readAhead: !mayWrite(body, search) && limiter.farFromLimits(hits),
  };
}

async function admitCounted(
  reply: FastifyReply,
  counted: Promise<WindowState[] | undefined>,
): Promise<boolean> {
  const states = await counted;
  if (!states) return true;
  reply.headers(limitRemainingReset(states));
  const exceeded = exceededWindow(states);
  if (!exceeded) return true;
  const seconds = retryAfterSeconds(exceeded, Date.now());
  reply.header('retry-after', String(seconds));
  graphqlError(reply, 429, 'RATE_LIMITED', `Too many requests. Try again in ${seconds} seconds.`, {
    retryAfter: seconds,
  });
  return false;
}

function graphqlError(
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
) {
  return reply
    .status(status)
    .header('content-type', 'application/json; charset=utf-8')
    .send({ errors: [{ message, extensions: { code, ...extensions } }] });
}
