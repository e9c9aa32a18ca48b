import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
} from 'fastify';
import cors from '@fastify/cors';
import { healthRoutes, type Logger, type ReadinessCheck } from '@seren/service-kit';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Host-header routing: a request whose Host names a product (SERENAI_HOST, ...) is served by that
 * product's app whichever gateway port it reached, so one port can carry every product.
 */
export class HostRouter {
  private readonly byHost = new Map<string, Handler>();

  register(host: string | undefined, handler: Handler) {
    if (host) this.byHost.set(host.toLowerCase(), handler);
  }

  handlerFor(hostHeader: string | undefined): Handler | undefined {
    if (!hostHeader || this.byHost.size === 0) return undefined;
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
    return this.byHost.get(host);
  }
}

export interface EdgeAppOptions {
  name: string;
  logger: Logger;
  hostRouter: HostRouter;
  /** allowed CORS origins (`*` for any); undefined: no CORS headers */
  corsOrigins?: string;
  readiness: ReadinessCheck[];
  /** fastify's trustProxy: whom to believe about the client address (X-Forwarded-For) */
  trustProxy?: boolean | string[];
  /** answers an error fastify raised itself (bad body, too large, ...) in the app's own shape */
  errorBody: (status: number, message: string) => unknown;
  /** answers an unknown route in the app's own shape */
  notFoundBody: (method: string, url: string) => unknown;
}

export interface EdgeApp {
  app: FastifyInstance;
  /** the full request handler of this app (hooks and routes), for Host-header routing */
  handler(): Handler;
  server: Server;
}

/** A request id from the client is kept only when it is a sane token, else one is made. */
const SANE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * One public listener of the gateway: request id on every response (kept from `x-request-id` when
 * sane), one access-log line per request, CORS when configured, health routes, and bodies taken raw
 * (a Buffer) whatever their content type, so each route decides how to read them and a malformed or
 * unexpected body is a 400 in the product's shape, never a 415 or 500.
 */
export async function createEdgeApp(options: EdgeAppOptions): Promise<EdgeApp> {
  let handler: Handler | undefined;
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // fastify's two lines per request give way to the one access-log line below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // The gateway's own HTTP server, so Host routing can hand a request to another product's app.
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler as Handler;
      const server = createServer((req, res) =>
        (options.hostRouter.handlerFor(req.headers.host) ?? handler!)(req, res),
      );
      server.keepAliveTimeout = 75_000;
      return server;
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info(
      {
        listener: options.name,
        reqId: request.id,
        method: request.method,
        // The path only: query strings can carry codes and tokens (OAuth callbacks, links in mails).
        path: request.url.split('?')[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ip: request.ip,
        caller: request.edgeCaller?.subject,
      },
      'request',
    );
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  if (options.corsOrigins) {
    const origins = options.corsOrigins.trim();
    await app.register(cors, {
      origin: origins === '*' ? true : origins.split(',').map((o) => o.trim()),
      exposedHeaders: [
        'x-request-id',
        'x-ratelimit-limit',
        'x-ratelimit-remaining',
        'x-ratelimit-reset',
        'x-ratelimit-limit-daily',
        'x-ratelimit-daily-remaining',
        'x-ratelimit-interval-milliseconds',
        'x-ratelimit-max',
        'retry-after',
      ],
    });
  }

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(options.notFoundBody(request.method, request.url)),
  );
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    // A wrong content type or unreadable body is the client's fault: 400 (413 stays 413).
    const clientStatus = status === 415 ? 400 : status;
    return reply
      .status(clientStatus)
      .send(options.errorBody(clientStatus, status >= 500 ? 'Internal server error' : error.message));
  });

  healthRoutes(app, options.name, options.readiness);

  return {
    app,
    handler: () => {
      if (!handler) throw new Error('the app has no server yet');
      return handler;
    },
    get server() {
      return app.server;
    },
  };
}
