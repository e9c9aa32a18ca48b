import { subscriptionHistoryProjection, subscriptionsProjection } from './billing/projection.js';
import { jobsProjection } from './jobs/projection.js';
import { linkOpportunitiesProjection } from './links/projection.js';
import { generationQuotaProjection, postsProjection } from './posts/projection.js';
import { projectsProjection } from './projects/projection.js';
import { sourcesProjection } from './sources/projection.js';

/** content's inline projections: the read tables its queries use, updated in each append's transaction. */
export const contentProjections = [
  projectsProjection,
  jobsProjection,
  linkOpportunitiesProjection,
  postsProjection,
  generationQuotaProjection,
  sourcesProjection,
  subscriptionsProjection,
  subscriptionHistoryProjection,
];
