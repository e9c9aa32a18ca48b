import type { FastifyInstance, FastifyRequest } from 'fastify';
import { clientOf, type RequestOrigin } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { cryptoDeposit, type CryptoDepositRequest } from './deposit.js';
import { sendDomainError } from '../http.js';

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

/**
 * The public URL the payment is for: the host a proxy in front of the edge names
 * (`X-Forwarded-Host`/`-Proto`, which the gateway passes on), else SerenAI's public base
 * (X402_RESOURCE_BASE), with the spec's path.
 */
function resourceOf(commerce: Commerce, request: FastifyRequest): string {
  const host = header(request, 'x-forwarded-host')?.split(',')[0]!.trim();
  const proto = header(request, 'x-forwarded-proto')?.split(',')[0]!.trim() ?? 'https';
  const base = host ? `${proto}://${host}` : commerce.x402.chain.resourceBase;
  return `${base.replace(/\/$/, '')}/wallet/deposit/crypto`;
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
          resource: resourceOf(commerce, request),
        });
        return reply.status(answer.status).headers(answer.headers).send(answer.body);
      } catch (error) {
        return sendDomainError(reply, error);
      }
    });
    server.get('/internal/payments/supported', async (_request, reply) =>
      reply.status(200).send(commerce.x402.facilitator.getSupported()),
    );
  };
}
