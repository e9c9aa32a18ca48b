// Bundled into Temporal's deterministic sandbox: no I/O, clock or randomness. The workflow walks the
// steps of the version it started with; each step is one activity that does its work and records
// its outcome as events (the executions read model is their projection). A wait is a durable
// timer: a worker killed mid-wait leaves the timer in Temporal, and the next worker resumes at it.
import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  sleep,
} from '@temporalio/workflow';
import type { AutomationActivities } from './activities.js';
import { MAX_STEPS_PER_EXECUTION, type ExecutionInput } from './run.js';

const steps = proxyActivities<AutomationActivities>({
  startToCloseTimeout: '1 minute',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
  },
});

function messageOf(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/** runWorkflowExecution: one contact through one workflow version (id = the execution id). */
export async function runWorkflowExecution(
  input: ExecutionInput,
): Promise<'completed' | 'failed' | 'cancelled'> {
  let index = 0;
  let seq = 0;
  let waits = 0;
  try {
    await steps.recordExecutionStarted(input);
    if (input.startAt && Date.parse(input.startAt) > Date.now()) {
      await steps.recordExecutionWait(input, { seq: waits, stepIndex: 0, until: input.startAt });
      await sleep(Date.parse(input.startAt) - Date.now());
      await steps.recordExecutionResumed(input, { seq: waits++, stepIndex: 0 });
    }
    let next: number | null = input.steps.length > 0 ? 0 : null;
    while (next !== null) {
      index = next;
      if (seq >= MAX_STEPS_PER_EXECUTION)
        throw new Error(`ran ${MAX_STEPS_PER_EXECUTION} steps: a go_to loop?`);
      const outcome = await steps.runExecutionStep(input, { seq: seq++, stepIndex: index });
      if (outcome.waitUntil) {
        await steps.recordExecutionWait(input, { seq: waits, stepIndex: index, until: outcome.waitUntil });
        const ms = Date.parse(outcome.waitUntil) - Date.now();
        if (ms > 0) await sleep(ms);
        await steps.recordExecutionResumed(input, { seq: waits++, stepIndex: index });
      }
      next = outcome.next;
    }
    await steps.recordExecutionEnded(input, { status: 'completed' });
    return 'completed';
  } catch (error) {
    if (isCancellation(error)) {
      // recording the cancellation must survive the cancellation itself
      await CancellationScope.nonCancellable(() =>
        steps.recordExecutionEnded(input, { status: 'cancelled' }),
      );
      return 'cancelled';
    }
    await CancellationScope.nonCancellable(() =>
      steps.recordExecutionEnded(input, { status: 'failed', stepIndex: index, error: messageOf(error) }),
    );
    return 'failed';
  }
}
