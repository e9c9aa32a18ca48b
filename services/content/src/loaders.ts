import { batchLoader } from '@seren/service-kit';
import type { Content } from './application.js';
import { linkOpportunitiesOfProjects } from './links/queries.js';

/**
 * Content's per-request DataLoaders (`context.loaders`): a list of projects asks for each project's
 * link opportunities, and this reads them with one query instead of one per project.
 */
export function contentLoaders(content: Content) {
  return {
    linkOpportunities: batchLoader((projectIds: readonly string[]) =>
      linkOpportunitiesOfProjects(content, projectIds),
    ),
  };
}

export type ContentLoaders = ReturnType<typeof contentLoaders>;
