import type { FastifyInstance } from 'fastify';
import { clientOf } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { handleStripeWebhook } from './service.js';
import { sendDomainError } from '../http.js';

/** Stripe's own limit on an event's size is far below this; a body past it is not an event. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * The internal route the gateway forwards `POST /webhooks/stripe` to, with the body as it came
 * (a signature is over the exact bytes; GraphQL cannot carry them) and the `stripe-signature`
 * header. The signature is the authentication: the caller is anonymous.
 */
export function stripeRoutes(commerce: Commerce) {
  return async (server: FastifyInstance) => {
    await server.register(async (scope) => {
      // every body in this scope stays raw bytes, whatever its content type says
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      scope.post('/internal/webhooks/stripe', async (request, reply) => {
        const signature = request.headers['stripe-signature'];
        try {
          const outcome = await handleStripeWebhook(
            commerce,
            Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
            typeof signature === 'string' ? signature : undefined,
            { requestId: request.id, traceparent: request.traceparent, ...clientOf(request) },
          );
          return reply.status(200).send(outcome);
        } catch (error) {
          return sendDomainError(reply, error);
        }
      });
    });
  };
}
