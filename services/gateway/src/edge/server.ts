import { createHash, randomUUID } from 'node:crypto';
import {
  createServer,
  STATUS_CODES,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import cors from '@fastify/cors';
import { healthRoutes, requestIdFrom, type Logger, type ReadinessCheck } from '@seren/service-kit';

declare module 'fastify' {
  interface FastifyRequest {
    /** answered by the edge as matching no route (404, 405), though fastify picked a route: not that route's answer */
    unrouted?: boolean;
  }
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Host-header routing: a request whose Host names a product (SERENAI_HOST, ...) is served by that
 * product's app whichever gateway port it reached, so one port can carry every product.
 */
export class HostRouter {
  private readonly byHost = new Map<string, Handler>();
  /** answers a Host no product names, when it takes it (Serebro's branded domains); false: served as before */
  private unknownHost?: (req: IncomingMessage, res: ServerResponse) => boolean;

  onUnknownHost(hook: (req: IncomingMessage, res: ServerResponse) => boolean) {
    this.unknownHost = hook;
  }

  /** Hands a request to the app its Host names, else to the unknown-host hook, else to the listener's own app. */
  dispatch(req: IncomingMessage, res: ServerResponse, own: Handler) {
    const named = this.handlerFor(req.headers.host);
    if (named) return named(req, res);
    if (this.unknownHost?.(req, res)) return;
    own(req, res);
  }

  register(host: string | undefined, handler: Handler) {
    if (host) this.byHost.set(host.toLowerCase(), handler);
  }

  handlerFor(hostHeader: string | undefined): Handler | undefined {
    if (!hostHeader || this.byHost.size === 0) return undefined;
    const host = hostHeader.toLowerCase().replace(/:\d+$/, '');
    return this.byHost.get(host);
  }
}

/**
 * An error the edge itself answers (no route ran): `code` is set for the statuses that have one of
 * their own (405 METHOD_NOT_ALLOWED, 413 PAYLOAD_TOO_LARGE, 414 URI_TOO_LONG, 431
 * REQUEST_HEADER_FIELDS_TOO_LARGE, 408 REQUEST_TIMEOUT); otherwise the app picks its generic code.
 */
export interface EdgeError {
  status: number;
  message: string;
  code?: string;
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
  /** `Strict-Transport-Security: max-age=<n>` on responses served over TLS; 0 or unset: never */
  hstsMaxAgeSeconds?: number;
  /** answers an error fastify or Node raised itself (bad URL, body, headers, method...) in the app's own shape */
  errorBody: (error: EdgeError) => unknown;
  /** answers an unknown route in the app's own shape */
  notFoundBody: (method: string, url: string) => unknown;
}

export interface EdgeApp {
  app: FastifyInstance;
  /** the full request handler of this app (hooks and routes), for Host-header routing */
  handler(): Handler;
  server: Server;
}

/** Headers every response carries, whatever answered it. */
const BASELINE_HEADERS = { 'x-content-type-options': 'nosniff' };

/**
 * HTML pages (GraphiQL, API docs) run only their own scripts: files from this origin plus the
 * page's inline scripts, allowed by their hashes. Styles may be inline (both UIs set style
 * attributes); nothing may frame the pages.
 */
function contentSecurityPolicy(scriptHashes: string[]): string {
  return [
    "default-src 'none'",
    `script-src 'self'${scriptHashes.map((h) => ` 'sha256-${h}'`).join('')}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const policyOfPage = new Map<string, string>();
/** The CSP of one HTML page, with the hash of each inline script (computed once per page). */
function pagePolicy(html: string): string {
  let policy = policyOfPage.get(html);
  if (!policy) {
    const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) =>
      createHash('sha256').update(m[1]!).digest('base64'),
    );
    policy = contentSecurityPolicy(hashes);
    if (policyOfPage.size < 64) policyOfPage.set(html, policy);
  }
  return policy;
}

/** Fastify route patterns (`/users/:id`, `/docs/*`) as expressions over raw request paths. */
function patternOf(url: string): RegExp {
  const escaped = url.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${escaped.replace(/:\w+/g, '[^/]+').replace(/\*/g, '.*')}$`);
}

/**
 * One public listener of the gateway: request id on every response (kept from `x-request-id` when
 * sane), one access-log line per request, security headers, CORS when configured, health routes,
 * and bodies taken raw (a Buffer) whatever their content type, so each route decides how to read
 * them and a malformed or unexpected body is a 400 in the product's shape, never a 415 or 500.
 *
 * Every answer of the listener is in the app's shape, including the ones no route gives: an unknown
 * path (404), a known path with another method (405 with `Allow`), a URL that is not valid
 * percent-encoding (400), a path parameter over 100 characters (414), a body over the limit (413),
 * and, from Node's HTTP parser before fastify sees the request, headers over 16 KiB (431), a
 * malformed request (400) or a client too slow to send one (408).
 */
export async function createEdgeApp(options: EdgeAppOptions): Promise<EdgeApp> {
  let handler: Handler | undefined;
  const bodyOf = (status: number, message: string, code?: string) =>
    options.errorBody({ status, message, code });
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // fastify's two lines per request give way to the one access-log line below.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => requestIdFrom(req.headers['x-request-id']),
    bodyLimit: 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
    // The gateway's own HTTP server, so Host routing can hand a request to another product's app.
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler as Handler;
      const server = createServer((req, res) => options.hostRouter.dispatch(req, res, handler!));
      server.keepAliveTimeout = 75_000;
      return server;
    },
    // The router's own refusals (no route context, so no hooks run): answered here in full.
    frameworkErrors: (error, request, routerReply) => {
      const reply = routerReply as FastifyReply;
      const [status, message, code]: [number, string, string | undefined] =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? [414, 'A path segment is longer than 100 characters', 'URI_TOO_LONG']
          : error.code === 'FST_ERR_BAD_URL'
            ? [400, 'The URL path is not valid percent-encoded UTF-8', undefined]
            : [500, 'Internal server error', undefined];
      if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'router error');
      secureHeaders(request, reply);
      return reply
        .header('x-request-id', request.id)
        .header('content-type', 'application/json; charset=utf-8')
        .status(status)
        .send(JSON.stringify(bodyOf(status, message, code)));
    },
    // Errors of Node's HTTP parser, before any request exists: the raw response, in the app's shape.
    clientErrorHandler: (error: NodeJS.ErrnoException, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const [status, message, code]: [number, string, string | undefined] =
        error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request headers are larger than 16 KiB', 'REQUEST_HEADER_FIELDS_TOO_LARGE']
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'The request was not received in time', 'REQUEST_TIMEOUT']
            : [400, 'Malformed HTTP request', undefined];
      // As Node does: nothing is written over a response already under way on this socket.
      const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
      if (socket.writable && (!inFlight || !inFlight.headersSent)) {
        const body = JSON.stringify(bodyOf(status, message, code));
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
            'Content-Type: application/json; charset=utf-8\r\n' +
            `Content-Length: ${Buffer.byteLength(body)}\r\n` +
            'X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\n' +
            `X-Request-Id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  });

  const secureHeaders = (request: FastifyRequest, reply: FastifyReply) => {
    reply.headers(BASELINE_HEADERS);
    if (options.hstsMaxAgeSeconds && request.protocol === 'https')
      reply.header('strict-transport-security', `max-age=${options.hstsMaxAgeSeconds}; includeSubDomains`);
  };

  // Every route's pattern and methods, for 405 and OPTIONS on a path that exists with other methods.
  // Where patterns overlap (`/sessions/revoke-all` and `/sessions/{session_id}`), the path is the
  // most specific one's (fewest parameters), as the documents list it.
  const known: Array<{ pattern: RegExp; params: number; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url === '*' || route.url === '/*') return; // the CORS preflight catch-all
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const pattern = patternOf(route.url);
    let entry = known.find((k) => k.pattern.source === pattern.source);
    if (!entry) {
      entry = { pattern, params: (route.url.match(/:\w+|\*/g) ?? []).length, methods: new Set() };
      known.push(entry);
    }
    for (const method of methods) entry.methods.add(method);
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
  });
  const allowedMethods = (url: string) => {
    const path = url.split('?')[0]!;
    const matching = known.filter((k) => k.pattern.test(path));
    const fewest = Math.min(...matching.map((k) => k.params));
    return new Set(matching.filter((k) => k.params === fewest).flatMap((k) => [...k.methods]));
  };

  // `/contacts/` is no `/contacts/{id}` with an empty id: fastify matches a parameter to the empty
  // segment a trailing slash leaves, so such a request is answered as unrouted (a greedy `*` tail may
  // be empty: the publisher proxy's root).
  const emptyPathParameter = (request: FastifyRequest) =>
    Object.entries((request.params ?? {}) as Record<string, unknown>).some(
      ([name, value]) => name !== '*' && value === '',
    );

  /** No route matched: 405 with `Allow` when the path exists with other methods (OPTIONS: 204), else 404. */
  const answerUnrouted = (request: FastifyRequest, reply: FastifyReply) => {
    request.unrouted = true;
    const allowed = allowedMethods(request.url);
    if (allowed.size > 0 && !allowed.has(request.method)) {
      const allow = [...allowed, 'OPTIONS'].join(', ');
      // OPTIONS that is no (allowed) CORS preflight: what the path supports.
      if (request.method === 'OPTIONS') return reply.status(204).header('allow', allow).send();
      return reply
        .status(405)
        .header('allow', allow)
        .send(bodyOf(405, `${request.method} is not allowed here; allowed: ${allow}`, 'METHOD_NOT_ALLOWED'));
    }
    return reply.status(404).send(options.notFoundBody(request.method, request.url));
  };

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    secureHeaders(request, reply);
    // Answered before its body is read: a method fastify would want a body for (QUERY, ...) on
    // a path with no such route is a 405 or 404, not a body error.
    if (request.is404 || emptyPathParameter(request)) return answerUnrouted(request, reply);
  });
  // An API answer is never stored by a cache unless its route says otherwise (static assets): it
  // may carry a secret (a new key, tokens, recovery codes) or an authenticated read. HTML pages get
  // a strict CSP and may not be framed.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html')) {
      reply.header('x-frame-options', 'DENY');
      // A page that brings its own policy (a forwarded one) keeps it; a streamed page gets no inline script.
      if (!reply.hasHeader('content-security-policy'))
        reply.header(
          'content-security-policy',
          typeof payload === 'string' ? pagePolicy(payload) : contentSecurityPolicy([]),
        );
    }
    return payload;
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
    const allowed = new Set(origins.split(',').map((o) => o.trim().replace(/\/$/, '')));
    await app.register(cors, {
      // A refused origin gets no CORS headers; its preflight falls through to the 405/204 below.
      origin: origins === '*' ? true : (origin, done) => done(null, !!origin && allowed.has(origin)),
      // A preflight without Access-Control-Request-Method is answered like one, not with a text/plain 400.
      strictPreflight: false,
      maxAge: 600,
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
        // x402: a browser client reads the payment it owes and the settlement's receipt (v2, v1)
        'payment-required',
        'payment-response',
        'x-payment-response',
        // SerenAI's proxy: the agent's balance fell below the publisher's low_balance_threshold
        'x-seren-low-balance',
        'x-seren-balance',
        'x-seren-low-balance-threshold',
      ],
    });
  }

  // Reached by a route's `callNotFound()` (an unknown docs asset, a refused CORS preflight).
  app.setNotFoundHandler(answerUnrouted);
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error, reqId: request.id }, 'unhandled error');
    // A wrong content type or unreadable body is the client's fault: 400 (413 stays 413).
    const clientStatus = status === 415 ? 400 : status;
    return reply
      .status(clientStatus)
      .send(
        bodyOf(
          clientStatus,
          status >= 500 ? 'Internal server error' : error.message,
          clientStatus === 413 ? 'PAYLOAD_TOO_LARGE' : undefined,
        ),
      );
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
