import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { estimateQuery, type QueryEstimate } from './estimate.js';

export function proxyResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      estimatePublisherQuery: resolver(
        commerce,
        (c, _request, args: { slug: string; publisherId: string; query: string; assetId?: string | null }) =>
          estimateQuery(c, args),
      ),
    },
    PublisherQueryEstimate: {
      estimatedCostAtomic: (e: QueryEstimate) => e.estimatedCostAtomic.toString(),
    },
  };
}
