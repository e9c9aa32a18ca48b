import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { clientOf, httpStatusOf, isDomainError, type RequestOrigin } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { completeAuthorization, startAuthorization, type ProviderRef } from './service.js';
import { completeFacebookConnect, startFacebookConnect } from './social.js';
import { globalProviders } from './providers.js';

/**
 * The redirects of connected accounts, where the gateway forwards them (GraphQL cannot answer a 302):
 * - GET /internal/oauth/{provider}/authorize, /internal/oauth/providers/{provider_id}/authorize
 *   (`redirect_uri`?) → 302 to the provider | 404 | 400 INVALID_REDIRECT_URI
 * - GET /internal/oauth/{provider}/callback, /internal/oauth/providers/{provider_id}/callback
 *   (`code`, `state`) → 302 to the frontend with the outcome | 400 (bad, spent, expired or foreign state) | 404
 * - 502 PROVIDER_UNAVAILABLE when the provider's discovery cannot be read before a redirect
 * - GET /internal/social/facebook/connect → 302 to Facebook | 403 FEATURE_NOT_AVAILABLE (Facebook not configured)
 * - GET /internal/social/facebook/callback → 302 to Serelo's frontend | 400
 * Errors are service-kit's `{code, message, reason}`; the gateway renders them in the product's shape.
 */
export function connectionRoutes(identity: Identity) {
  // a malformed OAUTH_PROVIDERS stops the start, not the first request
  globalProviders(identity.config);
  return (app: FastifyInstance) => {
    const redirect = (reply: FastifyReply, location: string) =>
      reply.status(302).header('location', location).header('cache-control', 'no-store').send();
    const fail = (reply: FastifyReply, error: unknown) => {
      if (isDomainError(error))
        return reply
          .status(httpStatusOf[error.code])
          .header('cache-control', 'no-store')
          .send({ code: error.code, message: error.message, ...(error.reason && { reason: error.reason }) });
      // the provider's discovery or the vault failed before any redirect: the browser gets a 502, the log the cause
      identity.logger.warn(
        { err: { name: (error as Error).name, code: (error as { code?: unknown }).code } },
        'connected accounts: the provider could not be reached',
      );
      return reply.status(502).send({
        code: 'BAD_GATEWAY',
        message: 'the OAuth provider could not be reached',
        reason: 'PROVIDER_UNAVAILABLE',
      });
    };
    const queryOf = (request: FastifyRequest) =>
      new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
    const redirectUriOf = (request: FastifyRequest) => queryOf(request).get('redirect_uri') ?? undefined;
    const originOf = (request: FastifyRequest): RequestOrigin => ({
      caller: request.caller,
      requestId: request.id,
      traceparent: request.traceparent,
      ...clientOf(request),
    });

    // Callback URLs carry the authorization code and the state: request lines are logged by path only.
    const options = {
      logSerializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          method: req.method,
          url: req.url?.split('?')[0],
          reqId: req.id,
        }),
      },
    };

    const flows: [string, (params: Record<string, string>) => ProviderRef][] = [
      ['/internal/oauth/providers/:provider_id', (p) => ({ id: p.provider_id! })],
      ['/internal/oauth/:provider', (p) => ({ slug: p.provider! })],
    ];
    for (const [prefix, refOf] of flows) {
      app.get(`${prefix}/authorize`, options, async (request, reply) => {
        try {
          const ref = refOf(request.params as Record<string, string>);
          return redirect(
            reply,
            await startAuthorization(identity, originOf(request), ref, redirectUriOf(request)),
          );
        } catch (error) {
          return fail(reply, error);
        }
      });
      app.get(`${prefix}/callback`, options, async (request, reply) => {
        try {
          const ref = refOf(request.params as Record<string, string>);
          return redirect(reply, await completeAuthorization(identity, ref, queryOf(request)));
        } catch (error) {
          return fail(reply, error);
        }
      });
    }

    app.get('/internal/social/facebook/connect', options, async (request, reply) => {
      try {
        return redirect(
          reply,
          await startFacebookConnect(identity, originOf(request), redirectUriOf(request)),
        );
      } catch (error) {
        return fail(reply, error);
      }
    });
    app.get('/internal/social/facebook/callback', options, async (request, reply) => {
      try {
        return redirect(reply, await completeFacebookConnect(identity, queryOf(request)));
      } catch (error) {
        return fail(reply, error);
      }
    });
  };
}
