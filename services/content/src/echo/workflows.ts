// Bundled into Temporal's deterministic sandbox: no I/O, no clock, no randomness here. The workflow
// decides what happens next; the activity records it as an event, and the projection of that event
// is the only way its progress reaches a read model.
import { proxyActivities } from '@temporalio/workflow';
import type { EchoActivities } from './activities.js';

const { replyToEcho } = proxyActivities<EchoActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '100 milliseconds', maximumAttempts: 5 },
});

export interface EchoInput {
  echoId: string;
  message: string;
}

/** Answers an echo request with its message and returns the reply. */
export async function echo(input: EchoInput): Promise<string> {
  const reply = input.message;
  await replyToEcho(input.echoId, reply);
  return reply;
}
