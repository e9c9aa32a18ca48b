import type { FastifyReply } from 'fastify';
import { httpStatusOf, isDomainError } from '@seren/service-kit';

/**
 * Answers a domain error of one of commerce's internal routes as the platform does ({code, message}
 * at its HTTP status), with its `reason` when it has one (the gateway maps reasons to the products'
 * bodies); anything else is rethrown for the platform's error handler.
 */
export function sendDomainError(reply: FastifyReply, error: unknown) {
  if (!isDomainError(error)) throw error;
  return reply
    .status(httpStatusOf[error.code])
    .send({ code: error.code, message: error.message, ...(error.reason ? { reason: error.reason } : {}) });
}
