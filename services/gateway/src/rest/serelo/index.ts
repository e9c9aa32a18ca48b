import type { ProductRoutes, RouteDefinition } from '../types.js';
import { authRoutes } from './auth.js';
import { billingRoutes } from './billing.js';
import { jobsRoutes } from './jobs.js';
import { linksRoutes } from './links.js';
import { postsRoutes } from './posts.js';
import { projectsRoutes } from './projects.js';
import { socialRoutes } from './social.js';
import { sourcesRoutes } from './sources.js';
import { usersRoutes } from './users.js';

// Serelo's REST surface, served at :4003 under /api/v1. One import line per spec section file.
export const sereloRoutes: ProductRoutes<'serelo'> = {
  product: 'serelo',
  routes: [
    ...authRoutes,
    ...usersRoutes,
    ...projectsRoutes,
    ...sourcesRoutes,
    ...postsRoutes,
    ...jobsRoutes,
    ...linksRoutes,
    ...socialRoutes,
    ...billingRoutes,
  ] as RouteDefinition<'serelo'>[],
  // Sections whose every spec operation is in the table (the spec-coverage test enforces it).
  implementedSections: ['auth', 'users', 'projects', 'sources', 'posts', 'jobs', 'links', 'social', 'billing'],
};
