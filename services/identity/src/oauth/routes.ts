import type { IncomingMessage } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { anonymous, clientOf, isDomainError } from '@seren/service-kit';
import { parseSerebroScopes } from '@seren/contracts';
import type { Identity } from '../platform/app.js';
import { findAppClient, verifyAppSecret } from '../marketplace/apps.js';
import { login } from '../auth/service.js';
import { OAUTH_PATHS, SerebroAuthorizationServer } from './provider.js';
import { approveInstall, consentChoices, consentScopes, installableKinds } from './consent.js';
import { PAGE_HEADERS, renderConsent, renderErrorPage, renderSignIn } from './pages.js';
import { verifyAccessToken } from './verify.js';
import { grantStillInstalled } from './grants.js';
import { issueLocationToken } from './location-token.js';

/**
 * Where the gateway forwards Serebro's OAuth paths: `/internal/serebro-oauth` + the public path
 * (`/v2/oauth/token`, `/.well-known/oauth-authorization-server`, ...).
 */
export const OAUTH_INTERNAL_PREFIX = '/internal/serebro-oauth';

/** The paths a browser opens (authorization, consent): their errors are pages. */
const BROWSER_PATHS = /^\/internal\/serebro-oauth\/v2\/oauth\/(chooselocation|authorize|consent)(\/|\?|$)/;

type Form = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** An OAuth error answer of the token, revocation and introspection endpoints (RFC 6749 §5.2). */
const oauthError = (reply: FastifyReply, status: number, error: string, description: string) =>
  reply.status(status).header('cache-control', 'no-store').send({ error, error_description: description });

const looksLikeJwt = (token: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token); // an unsigned one too

/**
 * Serebro's OAuth 2.0 authorization server on identity's port, under OAUTH_INTERNAL_PREFIX.
 * oidc-provider (koa) serves the protocol from the raw request and response; these routes do what
 * it cannot know: HighLevel's scope aliases and the refusal of unknown scopes (it would drop them),
 * the apps' hashed client secrets (verified here, see `providerSecretOf`), the sign-in and consent
 * pages, the location token, and the JWT access tokens' introspection and revocation (oidc-provider
 * refuses structured tokens there).
 */
export function oauthRoutes(identity: Identity) {
  return async (app: FastifyInstance) => {
    const server = new SerebroAuthorizationServer(identity, {
      publicUrl: identity.config.SEREBRO_PUBLIC_URL,
      secret: identity.config.SIGNING_KEY_ENCRYPTION_SECRET,
    });
    const publicUrl = new URL(server.issuer);
    const sweep = setInterval(() => {
      server
        .sweep()
        .catch((error: unknown) =>
          identity.logger.warn({ err: error }, 'oauth: sweeping expired rows failed'),
        );
    }, 600_000);
    sweep.unref();
    app.addHook('onClose', async () => clearInterval(sweep));

    /** The request as the provider must see it: its public path, host and scheme; a parsed form. */
    const asPublic = (req: IncomingMessage, path?: string, form?: Form) => {
      if (path !== undefined) {
        const search = req.url?.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
        req.url = path + search;
      }
      req.headers['x-forwarded-host'] = publicUrl.host;
      req.headers['x-forwarded-proto'] = publicUrl.protocol.replace(':', '');
      if (form) (req as IncomingMessage & { body?: Form }).body = form;
      return req;
    };

    // koa composes its middleware in callback(): once per provider, not per request
    const callbacks = new WeakMap<
      object,
      ReturnType<Awaited<ReturnType<typeof server.provider>>['callback']>
    >();
    const toProvider = async (request: FastifyRequest, reply: FastifyReply, path: string, form?: Form) => {
      const provider = await server.provider();
      let callback = callbacks.get(provider);
      if (!callback) callbacks.set(provider, (callback = provider.callback()));
      reply.hijack();
      await callback(asPublic(request.raw, path, form), reply.raw);
    };

    const requestInfo = (request: FastifyRequest) => ({
      caller: anonymous,
      requestId: request.id,
      ...clientOf(request),
    });

    /**
     * Client authentication of the token, revocation and introspection endpoints. HTTP Basic is
     * turned into the form's fields (`client_secret_post`, the clients' one method); a presented
     * secret is checked against the app's stored hashes and, when right, replaced with the
     * provider-side secret; when wrong, with a value that cannot match (the provider answers
     * `invalid_client`).
     */
    const authenticateClient = async (request: FastifyRequest, form: Form) => {
      const header = request.headers.authorization;
      if (header?.startsWith('Basic ')) {
        const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        // RFC 6749 §2.3.1: both parts form-encoded; a part that does not decode is no credential
        const decode = (part: string) => {
          try {
            return decodeURIComponent(part.replace(/\+/g, ' '));
          } catch {
            return undefined;
          }
        };
        const [id, secret] =
          colon > 0 ? [decode(decoded.slice(0, colon)), decode(decoded.slice(colon + 1))] : [];
        if (id !== undefined && secret !== undefined) {
          form.client_id ??= id;
          form.client_secret ??= secret;
        }
        delete request.raw.headers.authorization;
      }
      const clientId = first(form.client_id);
      const secret = first(form.client_secret);
      if (clientId === undefined || secret === undefined) return { clientId, valid: false };
      const valid = await verifyAppSecret(identity, clientId, secret);
      form.client_secret = valid ? server.providerSecretOf(clientId) : '!';
      return { clientId, valid };
    };

    await app.register(async (scope) => {
      // Errors the platform answers in service-kit's {code, message} (unsafe input, a body that does
      // not parse, an unexpected failure) are OAuth's here: RFC 6749's JSON, or an error page on the
      // browser's paths. The provider's own answers never pass here (the reply is hijacked).
      scope.addHook('onSend', async (request, reply, payload) => {
        if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
        let body: { code?: unknown; message?: unknown };
        try {
          body = JSON.parse(payload) as typeof body;
        } catch {
          return payload;
        }
        if (typeof body.code !== 'string' || typeof body.message !== 'string') return payload;
        const failed = reply.statusCode >= 500;
        const error = failed ? 'server_error' : 'invalid_request';
        const description = failed ? 'the authorization server failed; try again' : body.message;
        if (!failed) reply.status(400);
        reply.header('cache-control', 'no-store');
        if (BROWSER_PATHS.test(request.url)) {
          reply.type('text/html; charset=utf-8').headers(PAGE_HEADERS);
          return renderErrorPage({ error, error_description: description });
        }
        reply.type('application/json; charset=utf-8');
        return JSON.stringify({ error, error_description: description });
      });

      // Forms are read here (to canonicalize scopes and swap secrets) and handed to the provider parsed.
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 64 * 1024 },
        (_request, body, done) => done(null, parseQuery(body as string)),
      );

      // RFC 8414 metadata is oidc-provider's discovery document
      scope.get(`${OAUTH_INTERNAL_PREFIX}/.well-known/oauth-authorization-server`, (request, reply) =>
        toProvider(request, reply, '/.well-known/openid-configuration'),
      );

      // The token endpoint: HighLevel's form fields, scopes canonical, secrets verified here.
      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.token}`, async (request, reply) => {
        const form = { ...((request.body as Form | undefined) ?? {}) };
        await authenticateClient(request, form);
        const grantType = first(form.grant_type);
        const requested = first(form.scope);
        if (requested !== undefined) {
          const { scopes, unknown } = parseSerebroScopes(requested);
          if (unknown.length > 0)
            return oauthError(reply, 400, 'invalid_scope', `unknown scope: ${unknown.join(' ')}`);
          if (grantType === 'client_credentials') {
            const client = await findAppClient(identity, first(form.client_id) ?? '');
            const beyond = scopes.filter((s) => client && !client.scopes.includes(s));
            if (beyond.length > 0)
              return oauthError(reply, 400, 'invalid_scope', `the app may not request: ${beyond.join(' ')}`);
          }
          form.scope = scopes.join(' ');
        } else if (grantType === 'client_credentials') {
          // HighLevel's clients send no scope: the token gets the app's
          const client = await findAppClient(identity, first(form.client_id) ?? '');
          if (client) form.scope = client.scopes.join(' ');
        }
        // a code or refresh token of a grant whose install is gone (uninstalled, app deleted) fails
        // and takes its grant with it; the provider does not know installs
        const presented =
          grantType === 'refresh_token'
            ? { model: 'RefreshToken', id: first(form.refresh_token) }
            : grantType === 'authorization_code'
              ? { model: 'AuthorizationCode', id: first(form.code) }
              : undefined;
        if (presented?.id && !(await grantStillInstalled(identity, presented.model, presented.id)))
          return oauthError(reply, 400, 'invalid_grant', 'the app is no longer installed');
        // HighLevel's `user_type` names the class the grant already has (see consent); not the provider's
        delete form.user_type;
        return toProvider(request, reply, OAUTH_PATHS.token, form);
      });

      // JWT access tokens are introspected here (the provider refuses structured tokens); the rest goes on.
      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.introspection}`, async (request, reply) => {
        const form = { ...((request.body as Form | undefined) ?? {}) };
        const token = first(form.token) ?? '';
        if (!looksLikeJwt(token)) {
          await authenticateClient(request, form);
          return toProvider(request, reply, OAUTH_PATHS.introspection, form);
        }
        const { clientId, valid } = await authenticateClient(request, form);
        if (!valid) return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
        const caller = await verifyAccessToken(identity, token);
        reply.header('cache-control', 'no-store');
        if (!caller || caller.clientId !== clientId) return { active: false };
        return {
          active: true,
          token_type: 'Bearer',
          client_id: caller.clientId,
          scope: caller.scopes.join(' '),
          sub: caller.userId ?? caller.clientId,
          exp: Math.floor(caller.expiresAt.getTime() / 1000),
          iss: server.issuer,
          aud: server.audience,
          jti: caller.tokenId,
          authClass: caller.authClass,
          ...(caller.locationId && { locationId: caller.locationId }),
          ...(caller.companyId && { companyId: caller.companyId }),
        };
      });

      // Revoking a JWT access token records its id until it would expire (verify.ts refuses it);
      // refresh tokens go to the provider, which revokes their grant.
      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.revocation}`, async (request, reply) => {
        const form = { ...((request.body as Form | undefined) ?? {}) };
        const token = first(form.token) ?? '';
        if (!looksLikeJwt(token)) {
          await authenticateClient(request, form);
          return toProvider(request, reply, OAUTH_PATHS.revocation, form);
        }
        const { clientId, valid } = await authenticateClient(request, form);
        if (!valid) return oauthError(reply, 401, 'invalid_client', 'client authentication failed');
        const caller = await verifyAccessToken(identity, token);
        if (caller && caller.clientId === clientId) {
          await identity.dataSource.query(
            `insert into oauth_models (model, id, payload, expires_at) values ('RevokedAccessToken', $1, '{}', $2)
             on conflict do nothing`,
            [caller.tokenId, caller.expiresAt],
          );
        }
        // RFC 7009 §2.2: 200 whether or not the token was valid
        return reply.status(200).header('cache-control', 'no-store').send();
      });

      // HighLevel's location token: an agency (Company) token with oauth.write → a location's token.
      scope.post(`${OAUTH_INTERNAL_PREFIX}/v2/oauth/locationToken`, async (request, reply) => {
        const form = (request.body as Form | undefined) ?? {};
        const header = request.headers.authorization;
        const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
        const result = await issueLocationToken(identity, server, token, {
          companyId: first(form.companyId),
          locationId: first(form.locationId),
        });
        if (!('body' in result)) {
          if (result.status === 401) reply.header('www-authenticate', `Bearer error="${result.error}"`);
          return oauthError(reply, result.status, result.error, result.description);
        }
        return reply.header('cache-control', 'no-store').send(result.body);
      });

      // The authorization endpoint, at HighLevel's path and the standard one.
      const authorize = async (request: FastifyRequest, reply: FastifyReply) => {
        const query = request.query as Record<string, string | undefined>;
        const refusal = await refuseScopes(identity, server.issuer, query);
        if (refusal) return reply.redirect(refusal, 303);
        // canonical names for the provider; no scope asked: the app's (HighLevel's chooselocation)
        const client = query.client_id ? await findAppClient(identity, query.client_id) : undefined;
        if (client) {
          const url = new URL(request.raw.url ?? '/', 'http://identity');
          url.searchParams.set(
            'scope',
            parseSerebroScopes(query.scope ?? client.scopes.join(' ')).scopes.join(' '),
          );
          request.raw.url = url.pathname + url.search;
        }
        return toProvider(request, reply, OAUTH_PATHS.authorization);
      };
      scope.get(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.authorization}`, authorize);
      scope.get(`${OAUTH_INTERNAL_PREFIX}/v2/oauth/authorize`, authorize);

      // The consent interaction: sign in, pick the location or agency, approve.
      const interaction = async (request: FastifyRequest, reply: FastifyReply) => {
        const { uid } = request.params as { uid: string };
        const provider = await server.provider();
        try {
          const details = await provider.interactionDetails(asPublic(request.raw), reply.raw);
          if (details.uid !== uid) throw new Error('interaction mismatch');
          const client = await findAppClient(identity, String(details.params.client_id));
          if (!client) throw new Error('the app is gone');
          return { provider, details, client };
        } catch {
          await reply
            .status(400)
            .type('text/html; charset=utf-8')
            .headers(PAGE_HEADERS)
            .send(
              renderErrorPage({
                error: 'invalid_request',
                error_description:
                  'This authorization has expired or was opened in another browser: start it again from the app.',
              }),
            );
          return undefined;
        }
      };

      const showConsent = async (
        reply: FastifyReply,
        found: NonNullable<Awaited<ReturnType<typeof interaction>>>,
        error?: string,
      ) => {
        const { details, client } = found;
        const userId = details.session?.accountId;
        const kinds = installableKinds(client);
        return reply
          .status(error ? 400 : 200)
          .type('text/html; charset=utf-8')
          .headers(PAGE_HEADERS)
          .header('cache-control', 'no-store')
          .send(
            renderConsent({
              uid: details.uid,
              appName: client.name,
              kinds,
              scopes: consentScopes(String(details.params.scope ?? '')),
              choices: userId ? await consentChoices(identity, userId, kinds) : [],
              error,
            }),
          );
      };

      scope.get(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.consent}/:uid`, async (request, reply) => {
        const found = await interaction(request, reply);
        if (!found) return reply;
        if (found.details.prompt.name === 'login' || !found.details.session?.accountId)
          return reply
            .type('text/html; charset=utf-8')
            .headers(PAGE_HEADERS)
            .header('cache-control', 'no-store')
            .send(renderSignIn({ uid: found.details.uid, appName: found.client.name }));
        return showConsent(reply, found);
      });

      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.consent}/:uid/login`, async (request, reply) => {
        const found = await interaction(request, reply);
        if (!found) return reply;
        const form = (request.body as Form | undefined) ?? {};
        const email = first(form.email) ?? '';
        try {
          const session = await login(identity, requestInfo(request), {
            email,
            password: first(form.password) ?? '',
          });
          const resume = await found.provider.interactionResult(
            request.raw,
            reply.raw,
            { login: { accountId: session.user.id } },
            { mergeWithLastSubmission: false },
          );
          return reply.redirect(resume, 303);
        } catch (error) {
          if (!isDomainError(error)) throw error;
          const limited = error.code === 'RATE_LIMITED';
          // 401 for a lock too: the page says why (429 is the edge's, in Serebro's error shape)
          return reply
            .status(401)
            .type('text/html; charset=utf-8')
            .headers(PAGE_HEADERS)
            .send(
              renderSignIn({
                uid: found.details.uid,
                appName: found.client.name,
                email,
                error: limited ? 'Too many attempts: wait a few minutes.' : 'Wrong email or password.',
              }),
            );
        }
      });

      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.consent}/:uid/approve`, async (request, reply) => {
        const found = await interaction(request, reply);
        if (!found) return reply;
        const userId = found.details.session?.accountId;
        if (found.details.prompt.name !== 'consent' || !userId)
          return showConsent(reply, found, 'Sign in first.');
        const organizationId = first(((request.body as Form | undefined) ?? {}).organization_id) ?? '';
        const approved = await approveInstall(identity, server, found.provider, requestInfo(request), {
          client: found.client,
          userId,
          organizationId,
          scope: String(found.details.params.scope ?? ''),
        });
        if ('error' in approved) return showConsent(reply, found, approved.error);
        reply.hijack();
        await found.provider.interactionFinished(
          request.raw,
          reply.raw,
          { consent: { grantId: approved.grantId } },
          { mergeWithLastSubmission: true },
        );
      });

      scope.post(`${OAUTH_INTERNAL_PREFIX}${OAUTH_PATHS.consent}/:uid/deny`, async (request, reply) => {
        const found = await interaction(request, reply);
        if (!found) return reply;
        reply.hijack();
        await found.provider.interactionFinished(
          request.raw,
          reply.raw,
          { error: 'access_denied', error_description: 'the user did not install the app' },
          { mergeWithLastSubmission: false },
        );
      });

      // Everything else of the protocol (the authorization resume, JWKS) is the provider's.
      scope.get(`${OAUTH_INTERNAL_PREFIX}/*`, (request, reply) =>
        toProvider(request, reply, request.url.slice(OAUTH_INTERNAL_PREFIX.length).split('?')[0]!),
      );
    });
  };
}

/**
 * Refuses an authorization request's unknown scopes, and scopes beyond the app's, with RFC 6749's
 * `invalid_scope` redirect (oidc-provider would drop them silently). Only once the client and its
 * redirect URI are known good: otherwise the provider answers with its error page, as it must.
 * Returns the redirect, or undefined to go on.
 */
async function refuseScopes(
  identity: Identity,
  issuer: string,
  query: Record<string, string | undefined>,
): Promise<string | undefined> {
  if (query.scope === undefined || !query.client_id || !query.redirect_uri) return undefined;
  const client = await findAppClient(identity, query.client_id);
  if (!client || !client.redirectUris.includes(query.redirect_uri)) return undefined;
  const { scopes, unknown } = parseSerebroScopes(query.scope);
  const beyond = scopes.filter((s) => !client.scopes.includes(s));
  const description =
    unknown.length > 0
      ? `unknown scope: ${unknown.join(' ')}`
      : beyond.length > 0
        ? `the app may not request: ${beyond.join(' ')}`
        : scopes.length === 0
          ? 'no scope requested'
          : undefined;
  if (!description) return undefined;
  const target = new URL(query.redirect_uri);
  target.searchParams.set('error', 'invalid_scope');
  target.searchParams.set('error_description', description);
  if (query.state !== undefined) target.searchParams.set('state', query.state);
  target.searchParams.set('iss', issuer);
  return target.href;
}
