import {
  startDomainService,
  type DomainService,
  type DomainServiceOptions,
  type GraphQLResolverMap,
  type RequestContext,
} from '@seren/service-kit';
import { loadIdentityConfig } from './config.js';
import { identityMigrations } from './migrations/index.js';
import { typeDefs } from './schema.js';
import type { Identity } from './platform/app.js';
import { identityProjections } from './platform/projections.js';
import { auditLogConsumer } from './audit-log/consumer.js';
import { mergeResolvers } from './platform/graphql.js';
import { createMailer } from './mail/mailer.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { Tokens } from './tokens/tokens.js';
import { authenticationRoutes } from './authentication/routes.js';
import { usersResolvers } from './users/graphql.js';
import { authResolvers } from './auth/graphql.js';
import { organizationsResolvers } from './organizations/graphql.js';
import { rolesResolvers } from './roles/graphql.js';
import { apiKeysResolvers } from './api-keys/graphql.js';
import { sessionsResolvers } from './sessions/graphql.js';
import { recoveryResolvers } from './recovery/graphql.js';
import { auditLogResolvers } from './audit-log/graphql.js';

export interface IdentityService extends DomainService {
  identity: Identity;
}

const HOUR = 3_600_000;

/**
 * The identity service: users (humans and agents), credentials, sessions, organizations, members,
 * invites, API keys, roles and permissions, and the audit log. Subgraph at /graphql; the gateway's
 * /internal/authenticate and the JWKS beside it.
 */
export async function startIdentityService(
  env?: Record<string, string | undefined>,
  options: Pick<DomainServiceOptions, 'logDestination'> = {},
): Promise<IdentityService> {
  const config = loadIdentityConfig(env ?? process.env);
  // Resolvers and routes close over this object; its connections are filled in once the database
  // is open, before the first request can reach them (see below).
  const identity = { config, now: () => new Date() } as Identity;
  const resolvers = mergeResolvers(
    usersResolvers(identity),
    authResolvers(identity),
    organizationsResolvers(identity),
    rolesResolvers(identity),
    apiKeysResolvers(identity),
    sessionsResolvers(identity),
    recoveryResolvers(identity),
    auditLogResolvers(identity),
  );

  const service = await startDomainService({
    name: 'identity',
    defaultPort: 4101,
    env,
    logDestination: options.logDestination,
    migrations: identityMigrations,
    projections: identityProjections,
    consumers: config.AUDIT_LOG_CONSUMER ? [auditLogConsumer(config.AUDIT_LOG_GROUP)] : [],
    graphql: { typeDefs, resolvers: resolvers as GraphQLResolverMap<RequestContext> },
    routes: (app) => {
      // Until the database is open nothing is wired: answer 503 rather than fail obscurely.
      app.addHook('onRequest', async (request, reply) => {
        if (!identity.store && request.url !== '/healthz' && request.url !== '/readyz') {
          return reply.status(503).send({ code: 'UNAVAILABLE', message: 'starting' });
        }
      });
      authenticationRoutes(identity)(app);
    },
  });

  try {
    const signingKeys = new SigningKeys(service.dataSource, {
      rotationMs: config.SIGNING_KEY_ROTATION_DAYS * 24 * HOUR,
      // a retired key verifies for as long as the longest token it signed may live
      graceMs: Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.REFRESH_TOKEN_TTL_SECONDS) * 1000,
      encryptionSecret: config.SIGNING_KEY_ENCRYPTION_SECRET,
    });
    await signingKeys.current();
    const mailer = createMailer(
      { smtpUrl: config.SMTP_URL, mailDir: config.MAIL_DIR, from: config.MAIL_FROM },
      service.logger,
    );
    Object.assign(identity, {
      dataSource: service.dataSource,
      logger: service.logger,
      signingKeys,
      mailer,
      tokens: new Tokens(signingKeys, {
        issuer: config.TOKEN_ISSUER,
        accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
      }),
    });
    identity.store = service.eventStore;
    service.logger.info(
      { mail: mailer.transport, consoleUrl: config.CONSOLE_URL, auditLog: config.AUDIT_LOG_CONSUMER },
      'identity configuration',
    );

    // Rotation is checked hourly; `current()` makes a new key once the newest is old enough.
    const rotation = setInterval(() => {
      signingKeys
        .current()
        .catch((error: unknown) => service.logger.error({ err: error }, 'signing key rotation failed'));
    }, HOUR);
    rotation.unref();

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        clearInterval(rotation);
        mailer.close();
        await service.close();
      })());
    return { ...service, close, identity };
  } catch (error) {
    await service.close();
    throw error;
  }
}
