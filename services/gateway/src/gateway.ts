import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { asyncApiDocument } from '@seren/contracts';
import { createLogger, type Logger, type ReadinessCheck } from '@seren/service-kit';
import {
  corsOriginsOf,
  graphqlDebug,
  introspectionEnabled,
  subgraphUrls,
  type GatewayConfig,
  type SubgraphName,
} from './config.js';
import { Authenticator } from './edge/authenticate.js';
import { RateLimitStore } from './edge/rate-limit.js';
import { createEdgeApp, HostRouter, type EdgeApp, type EdgeError } from './edge/server.js';
import { mountGraphQL, startGraph, type Graph } from './graphql/server.js';
import { mountApiDocs } from './rest/docs.js';
import { mountRoutes, type RestEngine } from './rest/engine.js';
import { Forwarder } from './rest/forward.js';
import { openApiDocument } from './rest/openapi.js';
import { policies } from './rest/products.js';
import { serebroRoutes } from './rest/serebro/index.js';
import { BrandedHosts } from './rest/serebro/branded-hosts.js';
import { sereloRoutes } from './rest/serelo/index.js';
import { serenaiRoutes } from './rest/serenai/index.js';
import type { Product, ProductRoutes } from './rest/types.js';

export type ListenerName = 'graphql' | Product;

export interface Gateway {
  logger: Logger;
  /** the GraphQL edge and one listener per product's REST base URL */
  listeners: Record<ListenerName, { app: FastifyInstance; url: string }>;
  graph: Graph;
  authenticator: Authenticator;
  limiter?: RateLimitStore;
  close(): Promise<void>;
}

export interface GatewayOverrides {
  /** the supergraph SDL instead of the committed supergraph.graphql */
  supergraphSdl?: string;
  logger?: Logger;
  /** route tables instead of the product's own (tests of the REST engine) */
  tables?: Partial<{ [P in Product]: ProductRoutes<P> }>;
}

const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql');

/** The subgraph names a supergraph joins (its `join__Graph` values). */
export function subgraphNamesOf(supergraphSdl: string): SubgraphName[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name:\s*"(\w+)"/g)].map((m) => m[1] as SubgraphName);
}

/**
 * The public edge: `/graphql` over the supergraph on GATEWAY_PORT, and each product's REST API at
 * its own port. Ready when every subgraph of the supergraph is ready. Holds no business logic.
 */
export async function startGateway(
  config: GatewayConfig,
  overrides: GatewayOverrides = {},
): Promise<Gateway> {
  const logger = overrides.logger ?? createLogger('gateway', config.LOG_LEVEL);
  if (!overrides.supergraphSdl && !existsSync(SUPERGRAPH_PATH)) {
    throw new Error(`no supergraph at ${SUPERGRAPH_PATH}: run \`npm run compose\``);
  }
  const supergraphSdl = overrides.supergraphSdl ?? readFileSync(SUPERGRAPH_PATH, 'utf8');
  const urls = subgraphUrls(config);
  const names = subgraphNamesOf(supergraphSdl);
  logger.info(
    {
      ports: {
        graphql: config.GATEWAY_PORT,
        serenai: config.SERENAI_PORT,
        serebro: config.SEREBRO_PORT,
        serelo: config.SERELO_PORT,
      },
      subgraphs: Object.fromEntries(names.map((n) => [n, urls[n]])),
      rateLimits: config.RATE_LIMITS_ENABLED ? `postgres ${config.GATEWAY_DATABASE}` : 'off',
    },
    'configuration',
  );

  // One keep-alive pool for everything the gateway calls: subgraphs, forwards and identity.
  const dispatcher = new Agent({
    connections: config.SUBGRAPH_CONNECTIONS,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
  });
  // Forwarded server-sent event streams hold their socket while open: a pool of their own, so a
  // thousand open streams never queue a GraphQL fetch behind them.
  const streams = new Agent({ connections: config.SUBGRAPH_STREAM_CONNECTIONS, keepAliveTimeout: 30_000 });
  const tables: { [P in Product]: ProductRoutes<P> } = {
    serenai: overrides.tables?.serenai ?? serenaiRoutes,
    serebro: overrides.tables?.serebro ?? serebroRoutes,
    serelo: overrides.tables?.serelo ?? sereloRoutes,
  };
  const restOperations = Object.values(tables).reduce((n, t) => n + t.routes.length, 0);
  const graph = await startGraph({
    supergraphSdl,
    urls,
    dispatcher,
    logger: logger.child({ component: 'graphql' }),
    introspection: introspectionEnabled(config),
    expectedOperations: restOperations + 2_000,
    debug: graphqlDebug(config),
  });
  const authenticator = new Authenticator({
    identityUrl: config.IDENTITY_URL,
    internalTokenSecret: config.INTERNAL_TOKEN_SECRET,
    ttlMs: config.AUTH_CACHE_TTL_MS,
    maxEntries: config.AUTH_CACHE_MAX_ENTRIES,
    dispatcher,
    logger,
  });
  // revocations pushed by identity drop cached answers at once (the TTL stays the backstop)
  authenticator.watchRevocations();
  const limiter = config.RATE_LIMITS_ENABLED
    ? new RateLimitStore({ serverUrl: config.DATABASE_URL, database: config.GATEWAY_DATABASE, logger })
    : undefined;
  await limiter?.prepare();
  // Serebro on verified branded domains: any other Host is looked up in crm (rest/serebro/branded-hosts.ts)
  const brandedHosts = new BrandedHosts({
    graph,
    authenticator,
    logger: logger.child({ component: 'branded-hosts' }),
    ownHosts: [config.SERENAI_HOST, config.SEREBRO_HOST, config.SERELO_HOST, ...config.GATEWAY_HOSTS.split(',')],
    publicUrl: config.SEREBRO_PUBLIC_URL,
    ttlMs: config.BRANDED_HOST_CACHE_TTL_MS,
  });
  const engine: RestEngine = {
    graph,
    authenticator,
    forwarder: new Forwarder(urls, dispatcher, streams),
    limiter,
    limitOverrides: config.RATE_LIMIT_OVERRIDES,
    forwardBodyLimit: config.FORWARD_BODY_LIMIT_BYTES,
    logger,
    // In tests every answer of a row is checked against what the row documents (OpenAPI).
    checkResponses: config.NODE_ENV === 'test',
    admit: (request, caller) => brandedHosts.admit(request, caller),
  };

  const readiness: ReadinessCheck[] = names.map((name) => ({
    name,
    check: async () => {
      const response = await fetch(new URL('/readyz', urls[name]));
      if (!response.ok) throw new Error(`readyz answered ${response.status}`);
    },
  }));
  const hostRouter = new HostRouter();
  const edge = (
    name: string,
    errorBody: (error: EdgeError) => unknown,
    notFound: (m: string, u: string) => unknown,
  ) =>
    createEdgeApp({
      name,
      logger: logger.child({ listener: name }),
      hostRouter,
      corsOrigins: corsOriginsOf(config),
      trustProxy: config.TRUST_PROXY,
      hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS,
      readiness,
      errorBody,
      notFoundBody: notFound,
    });

  const graphqlApp = await edge(
    'gateway',
    ({ status, message, code }) => ({
      errors: [
        { message, extensions: { code: code ?? (status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR') } },
      ],
    }),
    (method, url) => ({
      errors: [{ message: `No route for ${method} ${url.split('?')[0]}`, extensions: { code: 'NOT_FOUND' } }],
    }),
  );
  mountGraphQL(graphqlApp.app, {
    graph,
    authenticator,
    logger,
    graphiql: introspectionEnabled(config),
    limiter,
    limitOverrides: config.RATE_LIMIT_OVERRIDES,
  });
  const asyncapi = JSON.stringify(asyncApiDocument());
  graphqlApp.app.get('/asyncapi.json', async (_request, reply) =>
    reply.header('content-type', 'application/json; charset=utf-8').send(asyncapi),
  );

  const productApps = {} as Record<Product, EdgeApp>;
  for (const product of ['serenai', 'serebro', 'serelo'] as const) {
    const policy = policies[product];
    const app = await edge(
      product,
      ({ status, message, code }) =>
        policy.errorBody({
          status,
          code: code ?? (status < 500 ? policy.errorOf('VALIDATION_ERROR', message).code : 'INTERNAL_ERROR'),
          message,
        }),
      (method, url) =>
        policy.errorBody({
          status: 404,
          code: 'NOT_FOUND',
          message: `No route for ${method} ${url.split('?')[0]}`,
        }),
    );
    mountRoutes(app.app, tables[product] as ProductRoutes<Product>, engine);
    const document = openApiDocument(tables[product] as ProductRoutes<Product>);
    for (const base of product === 'serelo' ? ['/api/v1/'] : product === 'serebro' ? ['/', '/v2/'] : ['/']) {
      mountApiDocs(app.app, base, document, policy.title);
    }
    productApps[product] = app;
  }

  const listen = async (app: EdgeApp, port: number) => {
    await app.app.listen({ host: config.HOST, port });
    const address = app.app.server.address();
    return `http://${config.HOST}:${typeof address === 'object' && address ? address.port : port}`;
  };
  const listeners = {
    graphql: { app: graphqlApp.app, url: await listen(graphqlApp, config.GATEWAY_PORT) },
    serenai: { app: productApps.serenai.app, url: await listen(productApps.serenai, config.SERENAI_PORT) },
    serebro: { app: productApps.serebro.app, url: await listen(productApps.serebro, config.SEREBRO_PORT) },
    serelo: { app: productApps.serelo.app, url: await listen(productApps.serelo, config.SERELO_PORT) },
  };
  hostRouter.register(config.SERENAI_HOST, productApps.serenai.handler());
  hostRouter.register(config.SEREBRO_HOST, productApps.serebro.handler());
  hostRouter.register(config.SERELO_HOST, productApps.serelo.handler());
  hostRouter.onUnknownHost(brandedHosts.unknownHostHandler(productApps.serebro.handler()));
  for (const [name, listener] of Object.entries(listeners))
    logger.info({ url: listener.url }, `${name} listening`);

  let closing: Promise<void> | undefined;
  return {
    logger,
    listeners,
    graph,
    authenticator,
    limiter,
    close: () =>
      (closing ??= (async () => {
        await Promise.all(Object.values(listeners).map((l) => closeListener(l.app)));
        await graph.stop();
        await limiter?.close();
        authenticator.close();
        await dispatcher.close();
        await streams.destroy();
        logger.info('stopped');
      })()),
  };
}

/**
 * Stops taking requests and lets in-flight ones finish, but not forever: a client that stopped
 * reading (or a stream left open) is cut off after 5 s so shutdown cannot hang.
 */
async function closeListener(app: FastifyInstance): Promise<void> {
  const timer = setTimeout(() => app.server.closeAllConnections(), 5_000);
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
  }
}
