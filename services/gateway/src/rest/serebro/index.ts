import type { ProductRoutes, RouteDefinition } from '../types.js';
import { oauthRoutes } from './oauth.js';
import { appsRoutes } from './apps.js';
import { locationsRoutes } from './locations.js';
import { contactsRoutes } from './contacts.js';
import { opportunitiesRoutes } from './opportunities.js';
import { appointmentsRoutes } from './appointments.js';
import { paymentsRoutes } from './payments.js';
import { webhooksRoutes } from './webhooks.js';
import { workflowsRoutes } from './workflows.js';
import { domainsRoutes } from './domains.js';

// Serebro's REST surface, served at :4002 (v1 at /, v2 at /v2). One import line per spec section file
// (contacts, opportunities, appointments, workflows).
export const serebroRoutes: ProductRoutes<'serebro'> = {
  product: 'serebro',
  routes: [
    ...locationsRoutes,
    ...appsRoutes,
    ...oauthRoutes,
    ...contactsRoutes,
    ...opportunitiesRoutes,
    ...appointmentsRoutes,
    ...paymentsRoutes,
    ...webhooksRoutes,
    ...workflowsRoutes,
    ...domainsRoutes,
  ] as RouteDefinition<'serebro'>[],
  implementedSections: ['contacts', 'opportunities', 'appointments', 'workflows'],
};
