import { startDomainService, type DomainService, type DomainServiceOptions } from '@seren/service-kit';
import { commerceActivities } from './activities.js';
import { buildCommerce, type Commerce } from './application.js';
import { commerceMigrations } from './migrations/index.js';
import { commerceProjections } from './projections.js';
import { resolvers, typeDefs } from './schema.js';
import { stripeRoutes } from './stripe/routes.js';
import { walletRecoveryConsumer } from './wallet/recovery.js';
import { walletRoutes } from './wallet/routes.js';
import { x402Routes } from './x402/routes.js';

export type CommerceService = DomainService<Commerce>;

/**
 * The commerce service: SerenAI: publishers, proxy, wallet and ledger, charges, payouts, invoices,
 * templates, federation, agent tasks, analytics. Its worker runs no workflow yet: it is there for the
 * payout and invoicing workflows (workflows.ts, activities.ts).
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
    build: (platform) => buildCommerce(platform, env ?? process.env),
    routes: async (commerce, server) => {
      await stripeRoutes(commerce)(server);
      await x402Routes(commerce)(server);
      await walletRoutes(commerce)(server);
    },
    consumers: (commerce) => [walletRecoveryConsumer(commerce.wallet.recoveryGroup)],
    graphql: (commerce) => ({ typeDefs, resolvers: resolvers(commerce) }),
    worker: { workflowsPath: require.resolve('./workflows'), activities: commerceActivities },
  });
}
