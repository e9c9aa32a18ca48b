import { startDomainService, type DomainService, type DomainServiceOptions } from '@seren/service-kit';
import { contentActivities } from './activities.js';
import { BILLING_CUSTOMERS_GROUP, billingCustomersConsumer } from './billing/customers.js';
import { billingRoutes } from './billing/routes.js';
import { buildContent, type Content } from './application.js';
import { contentMigrations } from './migrations/index.js';
import { contentLoaders } from './loaders.js';
import { contentProjections } from './projections.js';
import { resolvers, typeDefs } from './schema.js';
import { sourceRoutes } from './sources/routes.js';

export type ContentService = DomainService<Content>;

/**
 * The content service: Serelo: projects, sources and parsing, posts, jobs, internal links, plans and
 * quotas. Its worker runs the parsing and generation workflows (sources/, posts/).
 */
export function startContentService(
  env?: Record<string, string | undefined>,
  options: Pick<DomainServiceOptions, 'logDestination'> = {},
): Promise<ContentService> {
  return startDomainService({
    name: 'content',
    defaultPort: 4103,
    env,
    logDestination: options.logDestination,
    migrations: contentMigrations,
    projections: contentProjections,
    build: (platform) => buildContent(platform, env ?? process.env),
    routes: async (content, server) => {
      await sourceRoutes(content)(server);
      await billingRoutes(content)(server);
    },
    consumers: () => [
      billingCustomersConsumer((env ?? process.env).CONTENT_BILLING_CUSTOMERS_GROUP || BILLING_CUSTOMERS_GROUP),
    ],
    graphql: (content) => ({
      typeDefs,
      resolvers: resolvers(content),
      loaders: () => contentLoaders(content),
    }),
    worker: { workflowsPath: require.resolve('./workflows'), activities: contentActivities },
  });
}
