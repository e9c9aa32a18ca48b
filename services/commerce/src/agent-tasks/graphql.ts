import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import type { AgentTaskView } from './queries.js';
import { cancelAgentTask, getAgentTask, listAgentTaskEvents, listAgentTasks } from './service.js';

type TaskArgs = { organizationId: string; taskId: string };

export function agentTasksResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      agentTasks: resolver(
        commerce,
        (c, request, args: { organizationId: string; limit?: number | null; offset?: number | null }) =>
          listAgentTasks(c, request, args.organizationId, args),
      ),
      agentTask: resolver(commerce, (c, request, args: TaskArgs) =>
        getAgentTask(c, request, args.organizationId, args.taskId),
      ),
      agentTaskEvents: resolver(commerce, (c, request, args: TaskArgs) =>
        listAgentTaskEvents(c, request, args.organizationId, args.taskId),
      ),
    },
    Mutation: {
      cancelAgentTask: resolver(commerce, (c, request, args: TaskArgs) =>
        cancelAgentTask(c, request, args.organizationId, args.taskId),
      ),
    },
    AgentTask: {
      assetSymbol: (t: AgentTaskView) => t.asset,
      hourlyRateAtomic: (t: AgentTaskView) => t.hourlyRateAtomic?.toString() ?? null,
      minChargeAtomic: (t: AgentTaskView) => t.minChargeAtomic?.toString() ?? null,
      costAtomic: (t: AgentTaskView) => t.costAtomic.toString(),
      shortfallAtomic: (t: AgentTaskView) => t.shortfallAtomic.toString(),
    },
  };
}
