import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import { echoDecider } from './decide.js';
import { echoStream } from './echo.js';
import type { echo } from './workflows.js';

/**
 * Records the request, then starts its workflow. The workflow id is the echo's own, so starting it
 * again for the same echo (a retry after a crash between the two steps) is refused by Temporal
 * rather than run twice.
 */
export async function requestEcho(
  commerce: Commerce,
  request: RequestOrigin,
  message: string,
): Promise<{ echoId: string }> {
  const echoId = randomUUID();
  await handle(
    commerce,
    undefined,
    echoStream(echoId),
    echoDecider,
    { type: 'RequestEcho', echoId, message, now: commerce.now().toISOString() },
    eventMetadataOf(request),
  );
  await commerce.workflows.workflow.start<typeof echo>('echo', {
    taskQueue: commerce.taskQueue,
    workflowId: echoWorkflowId(echoId),
    args: [{ echoId, message }],
  });
  return { echoId };
}

export const echoWorkflowId = (echoId: string) => `echo-${echoId}`;

/** The echo workflow's activity: appends the reply (idempotent, since activities may run twice). */
export async function replyToEcho(commerce: Commerce, echoId: string, reply: string): Promise<void> {
  await handle(
    commerce,
    undefined,
    echoStream(echoId),
    echoDecider,
    { type: 'ReplyToEcho', reply, now: commerce.now().toISOString() },
    { actor: 'workflow:echo', correlationId: echoWorkflowId(echoId) },
  );
}
