// Bundled into Temporal's deterministic sandbox: no I/O here. One workflow per agent task: its
// activity sends the A2A message and follows the remote task until it ends, recording each status
// and artifact as a task event and charging the task with its last one. A retry (a lost stream, a
// new worker after a crash) picks the remote task up again by its id instead of sending anew.
// Cancelled (the caller's cancel), it cancels the remote task too.
import { ActivityFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { AgentTaskActivities } from './activities.js';

const following = proxyActivities<AgentTaskActivities>({
  // a task may run for hours; the heartbeat tells a dead worker from a slow agent
  startToCloseTimeout: '24 hours',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 8,
  },
});

const steps = proxyActivities<AgentTaskActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '10 seconds',
    maximumAttempts: 10,
  },
});

export interface RunAgentTaskInput {
  taskId: string;
}

function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** runAgentTask: follow the remote task to its end; a failure that outlasts the retries ends the task as failed, at no cost. */
export async function runAgentTask(input: RunAgentTaskInput): Promise<string> {
  try {
    return await following.followAgentTask(input.taskId);
  } catch (error) {
    if (isCancellation(error)) {
      await CancellationScope.nonCancellable(() => steps.cancelRemoteAgentTask(input.taskId));
      throw error;
    }
    await CancellationScope.nonCancellable(() =>
      steps.failAgentTask(input.taskId, `the agent could not be reached: ${messageOf(error)}`),
    );
    return 'failed';
  }
}
