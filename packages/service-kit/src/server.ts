import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyRequest,
} from 'fastify';
import { ApolloServer, type BaseContext } from '@apollo/server';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import fastifyApollo from '@as-integrations/fastify';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { DocumentNode, GraphQLFormattedError } from 'graphql';
import { anonymous, INTERNAL_TOKEN_HEADER, verifyInternalToken, type Caller } from './caller.js';
import { httpStatusOf, isDomainError } from './errors.js';
import { refuseUnsafeInput, requestIdFrom, safeInputPlugin } from './input.js';
import type { Logger } from './logger.js';

export type { GraphQLResolverMap };

/** One dependency `/readyz` waits for: the database, Kafka, Temporal. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<unknown>;
}

/**
 * What every resolver and internal route sees about the request. `loaders` are the service's
 * DataLoaders, made afresh for each request (so batching and caching never cross requests or callers).
 */
export interface RequestContext<Loaders = unknown> extends BaseContext {
  caller: Caller;
  requestId: string;
  traceparent?: string;
  logger: Logger;
  /** the end client's address: the first `x-forwarded-for` entry the gateway forwards, else the socket's */
  clientIp?: string;
  /** the end client's `user-agent`, as the gateway forwards it */
  userAgent?: string;
  loaders: Loaders;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller;
    traceparent?: string;
  }
}

export interface ServiceDefinition {
  name: string;
  logger: Logger;
  host: string;
  port: number;
  internalTokenSecret: string;
  /** The service's subgraph; served at POST /graphql on the same port. */
  graphql?: {
    typeDefs: DocumentNode;
    resolvers: GraphQLResolverMap<RequestContext>;
    /** the per-request DataLoaders (`context.loaders`); called once per GraphQL request */
    loaders?: () => unknown;
  };
  /** Internal HTTP routes beside the subgraph (uploads, raw-body webhooks, redirects...). */
  routes?: (app: FastifyInstance) => void | Promise<void>;
  readiness: ReadinessCheck[];
  /** Run in order at shutdown, after the server stopped taking requests: consumers, worker, pools. */
  onClose?: Array<() => Promise<unknown>>;
}

export interface RunningService {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

const READINESS_TIMEOUT_MS = 2_000;

/** The trace id part of a W3C traceparent (`00-<trace id>-<span id>-<flags>`). */
function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent && /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/.exec(traceparent);
  return match ? match[1] : undefined;
}

async function runCheck(check: ReadinessCheck): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), READINESS_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return 'up';
  } catch (error) {
    return `down: ${(error as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/** `GET /healthz` (liveness) and `GET /readyz` (200 only when every check answers, else 503 with each state). */
export function healthRoutes(
  app: FastifyInstance,
  service: string,
  readiness: readonly ReadinessCheck[],
): void {
  app.get('/healthz', async () => ({ status: 'ok', service }));
  app.get('/readyz', async (_request, reply) => {
    const results = await Promise.all(readiness.map(runCheck));
    const checks = Object.fromEntries(readiness.map((c, i) => [c.name, results[i]]));
    const ready = results.every((r) => r === 'up');
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', service, checks });
  });
}

export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (isDomainError(original)) {
    return {
      ...formatted,
      message: original.message,
      extensions: { ...formatted.extensions, code: original.code, ...original.details },
    };
  }
  return formatted;
}

/**
 * How Fastify's request lines show a request: its method and path, never the query string (a
 * token, code or state given in a query must not reach the log), and where it came from.
 */
export function requestLogLine(request: {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number } | null;
}) {
  const url = request.url ?? '';
  const query = url.indexOf('?');
  return {
    method: request.method,
    url: query === -1 ? url : url.slice(0, query),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/** Fastify's "Route ... not found" line, by path only too. */
class PathOnlyLogController extends LogController {
  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    const { url } = requestLogLine(request);
    request.log.info(`Route ${request.method}:${url} not found`);
  }
}

export async function startService(definition: ServiceDefinition): Promise<RunningService> {
  const { logger, name } = definition;
  const app = Fastify({
    // Fastify's own request lines ("incoming request") go through requestLogLine: path only
    loggerInstance: logger.child({}, { serializers: { req: requestLogLine } }) as FastifyBaseLogger,
    logController: new PathOnlyLogController(),
    // The gateway's request id is kept when it is a sane token; anything else is replaced.
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
  });

  app.decorateRequest('caller', null as unknown as Caller);
  refuseUnsafeInput(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const traceparent = request.headers.traceparent;
    request.traceparent = typeof traceparent === 'string' ? traceparent : undefined;
    const traceId = traceIdOf(request.traceparent);
    if (traceId) request.log = request.log.child({ traceId });
    request.caller = await callerOf(request, definition.internalTokenSecret);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDomainError(error)) {
      return reply.status(httpStatusOf[error.code]).send({ code: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status < 500)
      return reply.status(status).send({ code: 'BAD_REQUEST', message: error.message });
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL', message: 'internal error' });
  });

  healthRoutes(app, name, definition.readiness);

  let apollo: ApolloServer<RequestContext> | undefined;
  if (definition.graphql) {
    const { loaders } = definition.graphql;
    apollo = new ApolloServer<RequestContext>({
      schema: buildSubgraphSchema([definition.graphql]),
      formatError: formatGraphQLError,
      // Compact JSON: the default pretty-prints every response, for the gateway to parse it again.
      stringifyResult: (result) => JSON.stringify(result),
      plugins: [
        safeInputPlugin<RequestContext>(),
        // No subgraph sets cache hints and the gateway honours none (the edge sends no-store): the
        // default cache-control plugin's hook on every resolved field was a tenth of a list's CPU.
        ApolloServerPluginCacheControlDisabled(),
      ],
      logger,
      introspection: true,
    });
    await apollo.start();
    await app.register(fastifyApollo(apollo), {
      context: async (request: FastifyRequest) => ({
        caller: request.caller,
        requestId: request.id,
        traceparent: request.traceparent,
        logger: request.log as Logger,
        ...clientOf(request),
        loaders: loaders?.() ?? {},
      }),
    });
  }

  if (definition.routes) await definition.routes(app);

  await app.listen({ host: definition.host, port: definition.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : definition.port;
  const url = `http://${definition.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      // Stop taking requests and let in-flight ones finish, then stop the rest in order.
      await app.close();
      await apollo?.stop();
      for (const step of definition.onClose ?? []) {
        await step().catch((error: unknown) => logger.error({ err: error }, 'shutdown step failed'));
      }
      logger.info('stopped');
    })());

  return { app, url, close };
}

/** The end client as the gateway forwarded it (x-forwarded-for, user-agent). */
export function clientOf(request: FastifyRequest): { clientIp?: string; userAgent?: string } {
  const forwarded = request.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const userAgent = request.headers['user-agent'];
  return {
    clientIp: first || request.ip || undefined,
    userAgent: typeof userAgent === 'string' ? userAgent : undefined,
  };
}

async function callerOf(request: FastifyRequest, secret: string): Promise<Caller> {
  const token = request.headers[INTERNAL_TOKEN_HEADER];
  if (typeof token !== 'string' || token === '') return anonymous;
  return verifyInternalToken(token, secret);
}

/** Closes the service on SIGINT/SIGTERM; a second signal exits at once. */
export function closeOnSignals(service: { close(): Promise<void> }, logger: Logger): void {
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) process.exit(1);
    signalled = true;
    logger.info({ signal }, 'shutting down');
    service.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
