import type { ProductRoutes, RouteDefinition } from '../types.js';
import { oauthRoutes } from './oauth.js';
import { appsRoutes } from './apps.js';
import { locationsRoutes } from './locations.js';

// Serebro's REST surface, served at :4002 (v1 at /, v2 at /v2). One import line per spec section file
// (contacts, opportunities, appointments, workflows).
export const serebroRoutes: ProductRoutes<'serebro'> = {
  product: 'serebro',
  routes: [...locationsRoutes, ...appsRoutes, ...oauthRoutes] as RouteDefinition<'serebro'>[],
  implementedSections: [],
};
