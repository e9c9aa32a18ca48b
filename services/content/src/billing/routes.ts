import type { FastifyInstance } from 'fastify';
import { clientOf, httpStatusOf, isDomainError } from '@seren/service-kit';
import type { Content } from '../application.js';
import { handlePaystackWebhook } from './service.js';

/** Paystack's events are small; a body past this is not one. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * The internal route the gateway forwards `POST /api/v1/billing/paystack/webhook` to, with the body
 * as it came (the signature is over its exact bytes; GraphQL cannot carry them) and the
 * `x-paystack-signature` header. The signature is the authentication: the caller is anonymous.
 */
export function billingRoutes(content: Content) {
  return async (server: FastifyInstance) => {
    await server.register(async (scope) => {
      // every body in this scope stays raw bytes, whatever its content type says
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      scope.post('/internal/billing/paystack/webhook', async (request, reply) => {
        const signature = request.headers['x-paystack-signature'];
        try {
          const outcome = await handlePaystackWebhook(
            content,
            Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
            typeof signature === 'string' ? signature : undefined,
            { requestId: request.id, traceparent: request.traceparent, ...clientOf(request) },
          );
          return reply.status(200).send(outcome);
        } catch (error) {
          if (!isDomainError(error)) throw error;
          return reply.status(httpStatusOf[error.code]).send({
            code: error.code,
            message: error.message,
            ...(error.reason ? { reason: error.reason } : {}),
          });
        }
      });
    });
  };
}
