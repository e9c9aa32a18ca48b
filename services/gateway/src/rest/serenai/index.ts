import type { ProductRoutes, RouteDefinition } from '../types.js';
import { agentTasksRoutes } from './agent-tasks.js';
import { analyticsRoutes } from './analytics.js';
import { auditLogsRoutes } from './audit-logs.js';
import { authRoutes } from './auth.js';
import { oauthProvidersRoutes } from './oauth-providers.js';
import { oauthRoutes } from './oauth.js';
import { organizationsRoutes } from './organizations.js';
import { paymentsRoutes } from './payments.js';
import { permissionsRoutes } from './permissions.js';
import { plansRoutes } from './plans.js';
import { publisherManagementRoutes } from './publisher-management.js';
import { publisherPaymentsRoutes } from './publisher-payments.js';
import { publisherProxyRoutes } from './publisher-proxy.js';
import { publishersRoutes } from './publishers.js';
import { rolesRoutes } from './roles.js';
import { sessionsRoutes } from './sessions.js';
import { walletRecoveryRoutes } from './wallet-recovery.js';
import { walletRoutes } from './wallet.js';
import { stripeWebhookRoutes } from './webhooks.js';
import { x402Routes } from './x402.js';

// SerenAI's REST surface, served at :4001. One import line per spec section file.
export const serenaiRoutes: ProductRoutes<'serenai'> = {
  product: 'serenai',
  routes: [
    ...authRoutes,
    ...organizationsRoutes,
    ...rolesRoutes,
    ...permissionsRoutes,
    ...sessionsRoutes,
    ...publisherManagementRoutes,
    ...publishersRoutes,
    ...analyticsRoutes,
    ...publisherPaymentsRoutes,
    ...publisherProxyRoutes,
    ...walletRecoveryRoutes,
    ...walletRoutes,
    ...agentTasksRoutes,
    ...paymentsRoutes,
    ...plansRoutes,
    ...stripeWebhookRoutes,
    ...x402Routes,
    ...auditLogsRoutes,
    ...oauthRoutes,
    ...oauthProvidersRoutes,
  ] as RouteDefinition<'serenai'>[],
  implementedSections: [
    'auth',
    'organizations',
    'roles',
    'permissions',
    'sessions',
    'wallet-recovery',
    'wallet',
    'audit-logs',
    'plans',
    'stripe-webhooks',
    'oauth',
    'oauth-providers',
    'agent-tasks',
    'analytics',
    'publishers',
  ],
};
