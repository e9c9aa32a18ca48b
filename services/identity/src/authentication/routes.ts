import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { isDomainError } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { authenticate, type Scheme } from './authenticate.js';
import { RevocationFeed } from './revocations.js';

/**
 * Identity's internal HTTP routes, for the gateway:
 * - POST /internal/authenticate {credential, scheme, locationId?} → 200 {caller} | 401 {code, message,
 *   reason} | 403 (locationId: a location the credential may not act in; reason LOCATION_FORBIDDEN)
 * - GET /.well-known/jwks.json → the public keys of user tokens
 * - GET /internal/revocations → server-sent events, one `data: {"userId", "reason"}` per revocation
 *   (see revocations.ts); `event: reset` when notices may have been missed. The stream opens (`:
 *   listening`) only once this instance listens, so nothing committed after that is missed.
 */
export function authenticationRoutes(identity: Identity) {
  return (app: FastifyInstance) => {
    const feed = new RevocationFeed(identity.dataSource, identity.logger);
    const streams = new Set<ServerResponse>();
    // streams never end on their own: end them, and the feed, before the server waits for connections
    app.addHook('preClose', async () => {
      feed.close();
      for (const stream of streams) stream.end();
    });
    app.get('/internal/revocations', async (request, reply) => {
      reply.hijack();
      const stream = reply.raw;
      streams.add(stream);
      stream.writeHead(200, {
        'content-type': 'text/event-stream',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // the client may leave while the feed is still connecting
      const subscription: { unsubscribe?: () => void; gone: boolean } = { gone: false };
      const ping = setInterval(() => stream.write(': ping\n\n'), 15_000);
      request.raw.on('close', () => {
        subscription.gone = true;
        clearInterval(ping);
        subscription.unsubscribe?.();
        streams.delete(stream);
      });
      subscription.unsubscribe = await feed.subscribe((notice) =>
        stream.write(
          notice === 'reset' ? 'event: reset\ndata: {}\n\n' : `data: ${JSON.stringify(notice)}\n\n`,
        ),
      );
      if (subscription.gone) subscription.unsubscribe();
      else stream.write(': listening\n\n');
    });

    app.post('/internal/authenticate', async (request, reply) => {
      const body = (request.body ?? {}) as { credential?: unknown; scheme?: unknown; locationId?: unknown };
      const scheme: Scheme = body.scheme === 'api_key' ? 'api_key' : 'bearer';
      if (
        typeof body.credential !== 'string' ||
        (body.scheme !== 'api_key' && body.scheme !== 'bearer') ||
        (body.locationId !== undefined && (typeof body.locationId !== 'string' || body.locationId === ''))
      ) {
        return reply.status(400).send({
          code: 'VALIDATION_ERROR',
          message:
            'credential (string) and scheme (api_key | bearer) are required; locationId, when given, is a non-empty string',
        });
      }
      try {
        return {
          caller: await authenticate(
            identity,
            body.credential,
            scheme,
            body.locationId as string | undefined,
          ),
        };
      } catch (error) {
        if (isDomainError(error) && (error.code === 'UNAUTHENTICATED' || error.code === 'FORBIDDEN')) {
          const forbidden = error.code === 'FORBIDDEN';
          return reply.status(forbidden ? 403 : 401).send({
            code: error.code,
            message: error.message,
            reason: error.details.reason ?? (forbidden ? 'LOCATION_FORBIDDEN' : 'TOKEN_INVALID'),
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
