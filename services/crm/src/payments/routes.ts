import type { FastifyInstance, FastifyReply } from 'fastify';
import { clientOf, httpStatusOf, isDomainError } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { handleCustomWebhook, handleStripeWebhook } from './reconcile.js';

/** A provider's event is small; a body past this is not one. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

function sendDomainError(reply: FastifyReply, error: unknown) {
  if (!isDomainError(error)) throw error;
  return reply
    .status(httpStatusOf[error.code])
    .send({ code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) });
}

/**
 * The internal routes the gateway forwards the providers' webhooks to, with the body as it came (a
 * signature is over the exact bytes; GraphQL cannot carry them) and the signature header. The
 * signature is the authentication: the caller is anonymous; the connection is named by the path.
 */
export function paymentRoutes(crm: Crm) {
  return async (server: FastifyInstance) => {
    await server.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT },
        (_request, body, done) => done(null, body),
      );
      const raw = (body: unknown) => (Buffer.isBuffer(body) ? body : Buffer.alloc(0));
      scope.post<{ Params: { connectionId: string } }>(
        '/internal/payments/stripe/webhook/:connectionId',
        async (request, reply) => {
          const signature = request.headers['stripe-signature'];
          try {
            const outcome = await handleStripeWebhook(
              crm,
              request.params.connectionId,
              raw(request.body),
              typeof signature === 'string' ? signature : undefined,
              { requestId: request.id, traceparent: request.traceparent, ...clientOf(request) },
            );
            return reply.status(200).send(outcome);
          } catch (error) {
            return sendDomainError(reply, error);
          }
        },
      );
      scope.post<{ Params: { connectionId: string } }>(
        '/internal/payments/custom-provider/webhook/:connectionId',
        async (request, reply) => {
          const signature = request.headers['x-serebro-signature'];
          try {
            const outcome = await handleCustomWebhook(
              crm,
              request.params.connectionId,
              raw(request.body),
              typeof signature === 'string' ? signature : undefined,
              { requestId: request.id, traceparent: request.traceparent, ...clientOf(request) },
            );
            return reply.status(200).send(outcome);
          } catch (error) {
            return sendDomainError(reply, error);
          }
        },
      );
    });
  };
}
