import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Commerce } from '../application.js';
import { AgentUnreachable, cancelRemoteAgentTask, failAgentTask, followAgentTask } from './follow.js';

/** The runAgentTask workflow's activities: each a thin adapter over one application function. */
export function agentTaskActivities(commerce: Commerce) {
  return {
    followAgentTask: async (taskId: string) => {
      const context = Context.current();
      try {
        return await followAgentTask(commerce, taskId, {
          signal: context.cancellationSignal,
          heartbeat: () => context.heartbeat(),
        });
      } catch (error) {
        // a refused endpoint stays refused: no retries
        if (error instanceof AgentUnreachable)
          throw ApplicationFailure.nonRetryable(error.message, 'AgentUnreachable');
        throw error;
      }
    },
    cancelRemoteAgentTask: (taskId: string) => cancelRemoteAgentTask(commerce, taskId),
    failAgentTask: (taskId: string, error: string) => failAgentTask(commerce, taskId, error),
  };
}

export type AgentTaskActivities = ReturnType<typeof agentTaskActivities>;
