import { startDomainService, type DomainService, type DomainServiceOptions } from '@seren/service-kit';
import { commerceActivities } from './activities.js';
import { agentTaskRoutes } from './agent-tasks/routes.js';
import { buildCommerce, type Commerce } from './application.js';
import { purgeIdempotencyKeys } from './ledger/index.js';
import { rewrapPublisherSecretsAtStart } from './publishers/secrets.js';
import { commerceMigrations } from './migrations/index.js';
import { commerceProjections } from './projections.js';
import { proxyRoutes } from './proxy/routes.js';
import { publisherUsageConsumer } from './publishers/analytics.js';
import { publisherCacheConsumer, publisherCacheGroup } from './proxy/publisher-cache.js';
import { sweepPeriodically } from './proxy/sweep.js';
import { resolvers, typeDefs } from './schema.js';
import { stripeRoutes } from './stripe/routes.js';
import { walletRecoveryConsumer } from './wallet/recovery.js';
import { walletRoutes } from './wallet/routes.js';
import { x402Routes } from './x402/routes.js';

export type CommerceService = DomainService<Commerce>;

/**
 * The commerce service: SerenAI: publishers, proxy, wallet and ledger, charges, payouts, invoices,
 * templates, federation, agent tasks, analytics. Its worker runs the plans' workflows (workflows.ts,
 * activities.ts); payouts and invoicing come there too. Idempotency keys past their retention are purged hourly.
 */
export function startCommerceService(
  env?: Record<string, string | undefined>,
  options: Pick<DomainServiceOptions, 'logDestination'> = {},
): Promise<CommerceService> {
  return startDomainService({
    name: 'commerce',
    defaultPort: 4104,
    env,
    logDestination: options.logDestination,
    migrations: commerceMigrations,
    projections: commerceProjections,
    build: (platform) => {
      const commerce = buildCommerce(platform, env ?? process.env);
      purgeHourly(commerce, platform.onClose.bind(platform));
      rewrapPublisherSecretsAtStart(commerce);
      sweepPeriodically(commerce, platform.onClose.bind(platform));
      platform.onClose(() => void commerce.agentTasks.hub.close());
      return commerce;
    },
    routes: async (commerce, server) => {
      await stripeRoutes(commerce)(server);
      await x402Routes(commerce)(server);
      await proxyRoutes(commerce)(server);
      await walletRoutes(commerce)(server);
      await agentTaskRoutes(commerce)(server);
    },
    consumers: (commerce) => [
      walletRecoveryConsumer(commerce.wallet.recoveryGroup),
      publisherUsageConsumer((env ?? process.env).PUBLISHER_USAGE_GROUP),
      // with the cache off there is nothing to drop
      ...(commerce.proxy.publishers.ttlMs > 0
        ? [publisherCacheConsumer(commerce.proxy.publishers, publisherCacheGroup(env ?? process.env))]
        : []),
    ],
    graphql: (commerce) => ({ typeDefs, resolvers: resolvers(commerce) }),
    worker: { workflowsPath: require.resolve('./workflows'), activities: commerceActivities },
  });
}

/** Removes idempotency keys past their 24 hours, every hour (each instance; the delete is idempotent). */
function purgeHourly(commerce: Commerce, onClose: (stop: () => void) => void) {
  const timer = setInterval(() => {
    purgeIdempotencyKeys(commerce).catch((error: unknown) =>
      commerce.logger.warn({ err: error }, 'purging idempotency keys failed; next hour again'),
    );
  }, 3_600_000);
  timer.unref();
  onClose(() => clearInterval(timer));
}
