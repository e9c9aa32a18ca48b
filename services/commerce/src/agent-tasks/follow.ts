import type { SendMessageResult, StreamResponse, Task } from '@a2a-js/sdk';
import type { Client } from '@a2a-js/sdk/client';
import { OutboundRefused } from '@seren/outbound';
import type { Commerce } from '../application.js';
import { a2aMessageOf, messageOf, partOf, statusOf } from './a2a.js';
import { agentCredentialsOf } from './credentials.js';
import { agentTaskState, finishAgentTask, recordAgentTaskProgress } from './service.js';
import { isTerminal, type AgentTaskMessage, type AgentTaskState, type TerminalStatus } from './task.js';

export interface Following {
  /** aborted when the activity is cancelled (the caller canceled the task) */
  signal: AbortSignal;
  /** tells Temporal the follower is alive */
  heartbeat: () => void;
}

/** Thrown for what a retry cannot mend (the endpoint is refused by the outbound guard): the task fails at once. */
export class AgentUnreachable extends Error {
  readonly nonRetryable = true;
}

const textOf = (message: AgentTaskMessage | null) =>
  message?.parts
    .filter((p) => p.kind === 'text')
    .map((p) => (p.kind === 'text' ? p.text : ''))
    .join(' ') || null;

/**
 * Sends the task's A2A message (once: on a retry the remote task is resubscribed to by its id) and
 * records what the agent reports until the task ends; returns the final state. The agent's stream
 * is used when its card says it streams, else the task is polled. A task that ended here meanwhile
 * (the caller canceled it) stops the following and cancels the remote task.
 */
export async function followAgentTask(
  commerce: Commerce,
  taskId: string,
  following: Following,
): Promise<TerminalStatus> {
  let state = await agentTaskState(commerce, taskId);
  if (state.status === 'none') throw new Error(`agent task ${taskId} not found`);
  if (isTerminal(state.status)) return state.status;
  const input = state.input;
  let client: Client;
  try {
    client = await commerce.agentTasks.client(
      state.a2aEndpointUrl,
      await agentCredentialsOf(commerce, state.publisherSlug),
    );
  } catch (error) {
    if (error instanceof OutboundRefused) throw new AgentUnreachable(error.message);
    throw error;
  }
  const card = await client.getAgentCard();
  const beat = setInterval(following.heartbeat, 1_000);
  try {
    if (card.capabilities?.streaming) {
      if (state.remoteTaskId) {
        // picked up again: the task as it is now first (it may have ended meanwhile, and A2A
        // refuses to resubscribe to an ended task), then its updates from here on
        const task = await client.getTask(
          { tenant: '', id: state.remoteTaskId },
          { signal: following.signal },
        );
        state = await apply(commerce, taskId, { payload: { $case: 'task', value: task } });
        if (isTerminal(state.status)) return await ended(commerce, client, state);
      }
      const stream =
        state.status !== 'none' && state.remoteTaskId !== null
          ? client.resubscribeTask({ tenant: '', id: state.remoteTaskId }, { signal: following.signal })
          : client.sendMessageStream(
              {
                tenant: '',
                message: a2aMessageOf(taskId, input),
                configuration: undefined,
                metadata: {},
              },
              { signal: following.signal },
            );
      for await (const response of stream) {
        state = await apply(commerce, taskId, response);
        if (isTerminal(state.status)) return await ended(commerce, client, state);
      }
      // the stream closed before the task ended (a lost connection): the activity's retry
      // resubscribes to the remote task by its id, with Temporal's backoff
      throw new Error("the agent's stream ended before its task did");
    } else if (!state.remoteTaskId) {
      const sent = await client.sendMessage(
        {
          tenant: '',
          message: a2aMessageOf(taskId, input),
          configuration: {
            acceptedOutputModes: [],
            taskPushNotificationConfig: undefined,
            returnImmediately: true,
          },
          metadata: {},
        },
        { signal: following.signal },
      );
      state = await apply(commerce, taskId, sentPayload(sent));
      if (isTerminal(state.status)) return await ended(commerce, client, state);
    }
    // an agent that does not stream: poll the remote task until it ends
    for (;;) {
      if (state.status === 'none' || !state.remoteTaskId)
        throw new Error('the agent answered without a task');
      const task = await client.getTask({ tenant: '', id: state.remoteTaskId }, { signal: following.signal });
      state = await apply(commerce, taskId, { payload: { $case: 'task', value: task } });
      if (isTerminal(state.status)) return await ended(commerce, client, state);
      await sleep(commerce.agentTasks.pollMs, following.signal);
    }
  } finally {
    clearInterval(beat);
  }
}

/** sendMessage answers a Task or, for an agent that replies at once, a Message. */
function sentPayload(sent: SendMessageResult): StreamResponse {
  if ('role' in sent) return { payload: { $case: 'message', value: sent } };
  return { payload: { $case: 'task', value: sent } };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** The task ended here: when the caller canceled it (not the agent), the remote task is canceled too. */
async function ended(commerce: Commerce, client: Client, state: AgentTaskState): Promise<TerminalStatus> {
  if (state.status === 'none' || !isTerminal(state.status)) throw new Error('not ended');
  if (state.status === 'canceled' && state.remoteTaskId)
    await client.cancelTask({ tenant: '', id: state.remoteTaskId, metadata: {} }).catch(() => undefined);
  return state.status;
}

const now = (commerce: Commerce) => commerce.now().toISOString();

/** Records one thing the agent reported; returns the task's state after it. */
async function apply(commerce: Commerce, taskId: string, response: StreamResponse): Promise<AgentTaskState> {
  const payload = response.payload;
  switch (payload?.$case) {
    case 'task': {
      const task = payload.value;
      for (const artifact of task.artifacts ?? []) {
        await recordAgentTaskProgress(commerce, taskId, {
          type: 'RecordArtifact',
          artifactId: artifact.artifactId,
          name: artifact.name,
          description: artifact.description,
          parts: artifact.parts.map(partOf),
          append: false,
          lastChunk: true,
          fromSnapshot: true,
          now: now(commerce),
        });
      }
      return status(commerce, taskId, task.id, task.contextId, task.status);
    }
    case 'statusUpdate': {
      const update = payload.value;
      return status(commerce, taskId, update.taskId, update.contextId, update.status);
    }
    case 'artifactUpdate': {
      const update = payload.value;
      if (!update.artifact) return agentTaskState(commerce, taskId);
      return recordAgentTaskProgress(commerce, taskId, {
        type: 'RecordArtifact',
        artifactId: update.artifact.artifactId,
        name: update.artifact.name,
        description: update.artifact.description,
        parts: update.artifact.parts.map(partOf),
        append: update.append,
        lastChunk: update.lastChunk,
        fromSnapshot: false,
        now: now(commerce),
      });
    }
    case 'message': {
      // the agent answered with a message and no task: that answer is the task's result
      const message = messageOf(payload.value);
      return finishAgentTask(commerce, taskId, {
        state: 'completed',
        remoteTaskId: payload.value.taskId || null,
        message,
        error: null,
        canceledBy: null,
      });
    }
    default:
      return agentTaskState(commerce, taskId);
  }
}

async function status(
  commerce: Commerce,
  taskId: string,
  remoteTaskId: string,
  contextId: string,
  remote: Task['status'],
): Promise<AgentTaskState> {
  const state = statusOf(remote?.state);
  const message = messageOf(remote?.message);
  if (isTerminal(state))
    return finishAgentTask(commerce, taskId, {
      state,
      remoteTaskId,
      message,
      error:
        state === 'failed' || state === 'rejected'
          ? (textOf(message) ?? `the agent reported ${state}`)
          : null,
      canceledBy: null,
    });
  return recordAgentTaskProgress(commerce, taskId, {
    type: 'RecordRemoteStatus',
    remoteTaskId,
    contextId,
    state,
    message,
    remoteAt: remote?.timestamp ?? null,
    now: now(commerce),
  });
}

/** After the workflow was cancelled: the remote task is canceled (best effort) and the task ends canceled, if it has not. */
export async function cancelRemoteAgentTask(commerce: Commerce, taskId: string): Promise<void> {
  const state = await agentTaskState(commerce, taskId);
  if (state.status === 'none') return;
  if (state.remoteTaskId)
    await commerce.agentTasks
      .cancelRemote(
        state.a2aEndpointUrl,
        state.remoteTaskId,
        await agentCredentialsOf(commerce, state.publisherSlug),
      )
      .catch((error: unknown) =>
        commerce.logger.warn({ err: error, taskId }, 'canceling the remote agent task failed'),
      );
  if (!isTerminal(state.status))
    await finishAgentTask(commerce, taskId, {
      state: 'canceled',
      remoteTaskId: null,
      message: null,
      error: null,
      canceledBy: null,
    });
}

/** The follower gave up (retries spent, an endpoint refused): the task fails, at no cost. */
export async function failAgentTask(commerce: Commerce, taskId: string, error: string): Promise<void> {
  await finishAgentTask(commerce, taskId, {
    state: 'failed',
    remoteTaskId: null,
    message: null,
    error,
    canceledBy: null,
  });
}
