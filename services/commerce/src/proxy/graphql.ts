import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { getAgentTask } from '../agent-tasks/index.js';
import { startAgentTaskBySlug, type StartTaskBySlugInput } from './call.js';
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
    Mutation: {
      startAgentTask: resolver(commerce, async (c, request, args: StartTaskBySlugInput) => {
        const { taskId, organizationId } = await startAgentTaskBySlug(c, request, args);
        return getAgentTask(c, request, organizationId, taskId);
      }),
    },
    PublisherQueryEstimate: {
      estimatedCostAtomic: (e: QueryEstimate) => e.estimatedCostAtomic.toString(),
    },
  };
}
