import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf, type RequestOrigin } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { callPublisher, errorAnswer, type CallAnswer } from './call.js';

const originOf = (request: FastifyRequest): RequestOrigin => ({
  caller: request.caller,
  requestId: request.id,
  traceparent: request.traceparent,
  ...clientOf(request),
});

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** SerenAI's public base (a proxy in front of the edge names its host), for the payment's resource and redirects. */
function publicBaseOf(commerce: Commerce, request: FastifyRequest): string {
  const host = header(request, 'x-forwarded-host')?.split(',')[0]!.trim();
  const proto = header(request, 'x-forwarded-proto')?.split(',')[0]!.trim() ?? 'https';
  return (host ? `${proto}://${host}` : commerce.x402.chain.resourceBase).replace(/\/$/, '');
}

function send(reply: FastifyReply, answer: CallAnswer) {
  reply.status(answer.status).headers(answer.headers);
  return reply.send(answer.body);
}

/**
 * The publisher proxy's internal routes, forwarded by the gateway (`GET|POST /publishers/{slug}/{path}`,
 * `POST /publishers/{slug}`): bodies stream through unread (their own scope has no body parser), the
 * caller's headers come as sent (the proxy passes on only what the publisher allows), and every
 * answer is final: the upstream's own, a 402 with x402 requirements, or SerenAI's `{error, message}`.
 */
export function proxyRoutes(commerce: Commerce) {
  return async (server: FastifyInstance) => {
    await server.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
      const handler = (target: 'root' | 'path') => async (request: FastifyRequest, reply: FastifyReply) => {
        const params = request.params as { slug: string; '*'?: string };
        const slug = params.slug.toLowerCase();
        const path = target === 'root' ? '' : (params['*'] ?? '');
        const query = request.url.indexOf('?');
        const base = `${publicBaseOf(commerce, request)}/publishers/${encodeURIComponent(slug)}`;
        try {
          const answer = await callPublisher(commerce, originOf(request), {
            slug,
            target,
            method: request.method,
            path,
            search: query === -1 ? '' : request.url.slice(query + 1),
            headers: request.headers,
            body: request.body as Readable | undefined,
            paymentSignature: header(request, 'payment-signature'),
            xPayment: header(request, 'x-payment'),
            resource: `${base}${path ? `/${path}` : ''}`,
            publicBase: base,
          });
          return send(reply, answer);
        } catch (error) {
          commerce.logger.error({ err: error, slug }, 'publisher call failed');
          return send(reply, errorAnswer(500, 'INTERNAL_ERROR', 'Internal server error'));
        }
      };
      scope.post('/internal/publishers/:slug', handler('root'));
      scope.get('/internal/publishers/:slug/*', handler('path'));
      scope.post('/internal/publishers/:slug/*', handler('path'));
    });
  };
}
