import type { FastifyInstance } from 'fastify';
import { isDomainError } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { authenticate, type Scheme } from './authenticate.js';

/**
 * Identity's internal HTTP routes, for the gateway:
 * - POST /internal/authenticate {credential, scheme} → 200 {caller} | 401 {code, message, reason}
 * - GET /.well-known/jwks.json → the public keys of user tokens
 */
export function authenticationRoutes(identity: Identity) {
  return (app: FastifyInstance) => {
    app.post('/internal/authenticate', async (request, reply) => {
      const body = (request.body ?? {}) as { credential?: unknown; scheme?: unknown };
      const scheme: Scheme = body.scheme === 'api_key' ? 'api_key' : 'bearer';
      if (typeof body.credential !== 'string' || (body.scheme !== 'api_key' && body.scheme !== 'bearer')) {
        return reply.status(400).send({
          code: 'VALIDATION_ERROR',
          message: 'credential (string) and scheme (api_key | bearer) are required',
        });
      }
      try {
        return { caller: await authenticate(identity, body.credential, scheme) };
      } catch (error) {
        if (isDomainError(error) && error.code === 'UNAUTHENTICATED') {
          return reply.status(401).send({
            code: 'UNAUTHENTICATED',
            message: error.message,
            reason: error.details.reason ?? 'TOKEN_INVALID',
          });
        }
        throw error;
      }
    });

    app.get('/.well-known/jwks.json', async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60');
      return identity.signingKeys.jwks();
    });
  };
}
