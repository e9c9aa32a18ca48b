import {
  mergeResolvers,
  startDomainService,
  type DomainService,
  type DomainServiceOptions,
  type GraphQLResolverMap,
  type Platform,
  type RequestContext,
} from '@seren/service-kit';
import { loadIdentityConfig, type IdentityConfig } from './config.js';
import { identityMigrations } from './migrations/index.js';
import { typeDefs } from './schema.js';
import type { Identity } from './platform/app.js';
import { identityLoaders } from './loaders.js';
import { identityProjections } from './platform/projections.js';
import { auditLogConsumer } from './audit-log/consumer.js';
import { createMailer } from './mail/mailer.js';
import { SigningKeys } from './tokens/signing-keys.js';
import { Tokens } from './tokens/tokens.js';
import { authenticationRoutes } from './authentication/routes.js';
import { oauthRoutes } from './oauth/routes.js';
import { usersResolvers } from './users/graphql.js';
import { authResolvers } from './auth/graphql.js';
import { organizationsResolvers } from './organizations/graphql.js';
import { rolesResolvers } from './roles/graphql.js';
import { apiKeysResolvers } from './api-keys/graphql.js';
import { sessionsResolvers } from './sessions/graphql.js';
import { recoveryResolvers } from './recovery/graphql.js';
import { auditLogResolvers } from './audit-log/graphql.js';
import { marketplaceResolvers } from './marketplace/graphql.js';
import { vaultResolvers } from './vault/graphql.js';
import { rewrapVaultAtStart } from './vault/service.js';
import { connectionsResolvers } from './connections/graphql.js';
import { connectionRoutes } from './connections/routes.js';

export interface IdentityService extends DomainService<Identity> {
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
  const service = await startDomainService({
    name: 'identity',
    defaultPort: 4101,
    env,
    logDestination: options.logDestination,
    migrations: identityMigrations,
    projections: identityProjections,
    build: (platform) => buildIdentity(platform, config),
    consumers: () => (config.AUDIT_LOG_CONSUMER ? [auditLogConsumer(config.AUDIT_LOG_GROUP)] : []),
    graphql: (identity) => ({
      typeDefs,
      resolvers: mergeResolvers(
        usersResolvers(identity),
        authResolvers(identity),
        organizationsResolvers(identity),
        rolesResolvers(identity),
        apiKeysResolvers(identity),
        sessionsResolvers(identity),
        recoveryResolvers(identity),
        auditLogResolvers(identity),
        marketplaceResolvers(identity),
        vaultResolvers(identity),
        connectionsResolvers(identity),
      ) as GraphQLResolverMap<RequestContext>,
      loaders: () => identityLoaders(identity),
    }),
    routes: async (identity, server) => {
      authenticationRoutes(identity)(server);
      await oauthRoutes(identity)(server);
      connectionRoutes(identity)(server);
    },
  });
  await rewrapVaultAtStart(service.application);
  return { ...service, identity: service.application };
}

/**
 * Identity's application context, made once the database is open: the signing keys (a first one
 * made if there is none), the token issuer and the mailer. The hourly key rotation and the mail
 * transport stop at shutdown.
 */
async function buildIdentity(platform: Platform, config: IdentityConfig): Promise<Identity> {
  const { dataSource, logger } = platform;
  const signingKeys = new SigningKeys(dataSource, {
    rotationMs: config.SIGNING_KEY_ROTATION_DAYS * 24 * HOUR,
    // a retired key verifies for as long as the longest token it signed may live
    graceMs: Math.max(config.ACCESS_TOKEN_TTL_SECONDS, config.REFRESH_TOKEN_TTL_SECONDS) * 1000,
    encryptionSecret: config.SIGNING_KEY_ENCRYPTION_SECRET,
  });
  await signingKeys.current();
  const mailer = createMailer(
    { smtpUrl: config.SMTP_URL, mailDir: config.MAIL_DIR, from: config.MAIL_FROM },
    logger,
  );
  platform.onClose(() => mailer.close());
  logger.info(
    { mail: mailer.transport, consoleUrl: config.CONSOLE_URL, auditLog: config.AUDIT_LOG_CONSUMER },
    'identity configuration',
  );

  // Rotation is checked hourly; `current()` makes a new key once the newest is old enough.
  const rotation = setInterval(() => {
    signingKeys
      .current()
      .catch((error: unknown) => logger.error({ err: error }, 'signing key rotation failed'));
  }, HOUR);
  rotation.unref();
  platform.onClose(() => clearInterval(rotation));

  return {
    config,
    now: () => new Date(),
    dataSource,
    store: platform.store,
    logger,
    signingKeys,
    mailer,
    tokens: new Tokens(signingKeys, {
      issuer: config.TOKEN_ISSUER,
      accessTtlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    }),
  };
}
