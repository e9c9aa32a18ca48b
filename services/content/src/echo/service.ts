import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { Content } from '../application.js';
import { echoDecider } from './decide.js';
import { echoStream } from './echo.js';
import type { echo } from './workflows.js';

/**
 * Records the request, then starts its workflow. The workflow id is the echo's own, so starting it
 * again for the same echo (a retry after a crash between the two steps) is refused by Temporal
 * rather than run twice.
 */
export async function requestEcho(
  content: Content,
  request: RequestOrigin,
  message: string,
): Promise<{ echoId: string }> {
  const echoId = randomUUID();
  await handle(
    content,
    undefined,
    echoStream(echoId),
    echoDecider,
    { type: 'RequestEcho', echoId, message, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  await content.workflows.workflow.start<typeof echo>('echo', {
    taskQueue: content.taskQueue,
    workflowId: echoWorkflowId(echoId),
    args: [{ echoId, message }],
  });
  return { echoId };
}

export const echoWorkflowId = (echoId: string) => `echo-${echoId}`;

/** The echo workflow's activity: appends the reply (idempotent, since activities may run twice). */
export async function replyToEcho(content: Content, echoId: string, reply: string): Promise<void> {
  await handle(
    content,
    undefined,
    echoStream(echoId),
    echoDecider,
    { type: 'ReplyToEcho', reply, now: content.now().toISOString() },
    { actor: 'workflow:echo', correlationId: echoWorkflowId(echoId) },
  );
}
