import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf, httpStatusOf, isDomainError, type RequestOrigin } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { cryptoDeposit, type CryptoDepositRequest } from './deposit.js';

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

/** The public URL the payment is for: the edge's host (forwarded), the spec's path. */
function resourceOf(request: FastifyRequest): string {
  const host = header(request, 'x-forwarded-host') ?? header(request, 'host') ?? 'localhost';
  const proto = header(request, 'x-forwarded-proto') ?? 'http';
  return `${proto}://${host.split(',')[0]!.trim()}/wallet/deposit/crypto`;
}

/**
 * The internal routes the gateway forwards the x402 operations to: a 402 with payment headers is
 * not something GraphQL carries, and the facilitator's discovery document is the library's own.
 */
export function x402Routes(commerce: Commerce) {
  return async (server: FastifyInstance) => {
    server.post('/internal/wallet/deposit/crypto', async (request, reply) => {
      try {
        const answer = await cryptoDeposit(commerce, commerce.x402, originOf(request), {
          body: (request.body ?? {}) as CryptoDepositRequest,
          paymentSignature: header(request, 'payment-signature'),
          xPayment: header(request, 'x-payment'),
          resource: resourceOf(request),
        });
        return reply.status(answer.status).headers(answer.headers).send(answer.body);
      } catch (error) {
        return sendError(reply, error);
      }
    });
    server.get('/internal/payments/supported', async (_request, reply) =>
      reply.status(200).send(commerce.x402.facilitator.getSupported()),
    );
  };
}

function sendError(reply: FastifyReply, error: unknown) {
  if (!isDomainError(error)) throw error;
  return reply
    .status(httpStatusOf[error.code])
    .send({ code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) });
}
