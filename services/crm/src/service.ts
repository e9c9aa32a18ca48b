import { startDomainService, type DomainService, type DomainServiceOptions } from '@seren/service-kit';
import { crmActivities } from './activities.js';
import { buildCrm, type Crm } from './application.js';
import { crmMigrations } from './migrations/index.js';
import { crmProjections } from './projections.js';
import { locationDefaultsConsumer } from './location-defaults.js';
import { domainOrganizationsConsumer } from './domains/organizations.js';
import { crmLoaders } from './loaders.js';
import { automationTriggersConsumer } from './automation/consumer.js';
import { automationRoutes } from './automation/inbound.js';
import { paymentRoutes } from './payments/routes.js';
import { startWebhookDelivery, webhooksConsumer } from './webhooks/delivery.js';
import { resolvers, typeDefs } from './schema.js';

export type CrmService = DomainService<Crm>;

/**
 * The crm service: Serebro: contacts, opportunities, appointments, workflows, webhooks and
 * payments. Today: contacts and custom fields, pipelines and opportunities, calendars and appointments.
 */
export function startCrmService(
  env?: Record<string, string | undefined>,
  options: Pick<DomainServiceOptions, 'logDestination'> = {},
): Promise<CrmService> {
  return startDomainService({
    name: 'crm',
    defaultPort: 4102,
    env,
    logDestination: options.logDestination,
    migrations: crmMigrations,
    projections: crmProjections,
    // the webhook delivery worker starts with the context and stops at shutdown
    build: (platform) => startWebhookDelivery(buildCrm(platform, env ?? process.env), platform, env ?? process.env),
    graphql: (crm) => ({ typeDefs, resolvers: resolvers(crm), loaders: () => crmLoaders(crm) }),
    routes: async (crm, server) => {
      await paymentRoutes(crm)(server);
      await automationRoutes(crm)(server);
    },
    // LOCATION_DEFAULTS_GROUP: tests give each instance a consumer group of its own
    consumers: (crm) => [
      locationDefaultsConsumer(crm, (env ?? process.env).LOCATION_DEFAULTS_GROUP),
      // WEBHOOKS_GROUP: tests give each instance a consumer group of its own
      webhooksConsumer(crm, (env ?? process.env).WEBHOOKS_GROUP),
      // DOMAIN_ORGANIZATIONS_GROUP: tests give each instance a consumer group of its own
      domainOrganizationsConsumer(crm, (env ?? process.env).DOMAIN_ORGANIZATIONS_GROUP),
      // AUTOMATION_TRIGGERS_GROUP: tests give each instance a consumer group of its own
      automationTriggersConsumer(crm, (env ?? process.env).AUTOMATION_TRIGGERS_GROUP),
    ],
    worker: { workflowsPath: require.resolve('./workflows'), activities: crmActivities },
  });
}
