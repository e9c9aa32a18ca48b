// A real A2A agent for tests and the benchmark: the @a2a-js/sdk server (DefaultRequestHandler,
// its express JSON-RPC and agent-card handlers) on loopback, with a scripted executor. What the
// message's first text says decides the script:
//   "quick"        submitted → working (with a message) → an artifact → completed
//   "slow <n> <ms>" working, then n steps of ms each (a status message per step) → completed;
//                   canceled between steps when CancelTask arrives
//   "fail"         working → failed, with the reason as the status message
//   "reply"        a Message answer and no task
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import express from 'express';
import {
  AGENT_CARD_PATH,
  A2A_PROTOCOL_VERSION,
  Role,
  TaskState,
  type AgentCard,
  type Message,
} from '@a2a-js/sdk';
import {
  AgentEvent,
  DefaultRequestHandler,
  InMemoryTaskStore,
  type AgentExecutor,
  type ExecutionEventBus,
  type RequestContext,
} from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';

const text = (value: string): Message['parts'][number] => ({
  content: { $case: 'text', value },
  metadata: undefined,
  filename: '',
  mediaType: 'text/plain',
});

const agentMessage = (taskId: string, contextId: string, value: string): Message => ({
  messageId: randomUUID(),
  role: Role.ROLE_AGENT,
  parts: [text(value)],
  taskId,
  contextId,
  metadata: {},
  extensions: [],
  referenceTaskIds: [],
});

export interface TestAgent {
  url: string;
  /** the messageIds the agent received, in order (a retried send would show twice) */
  received: string[];
  /** the remote task ids CancelTask was asked for */
  cancelRequests: string[];
  /** how many streamed answers were cut (dropFirstStreamAfterMs) */
  streamsDropped: number;
  close(): Promise<void>;
}

class ScriptedExecutor implements AgentExecutor {
  readonly canceled = new Set<string>();

  constructor(private readonly agent: TestAgent) {}

  cancelTask = async (taskId: string, _bus: ExecutionEventBus): Promise<void> => {
    this.agent.cancelRequests.push(taskId);
    this.canceled.add(taskId);
  };

  async execute(context: RequestContext, bus: ExecutionEventBus): Promise<void> {
    const { taskId, contextId, userMessage } = context;
    this.agent.received.push(userMessage.messageId);
    const first = userMessage.parts.find((p) => p.content?.$case === 'text')?.content;
    const words = (first?.$case === 'text' ? first.value : 'quick').trim().split(/\s+/);
    const status = (state: TaskState, message?: string) =>
      bus.publish(
        AgentEvent.statusUpdate({
          taskId,
          contextId,
          status: {
            state,
            timestamp: new Date().toISOString(),
            message: message ? agentMessage(taskId, contextId, message) : undefined,
          },
          metadata: {},
        }),
      );
    if (words[0] === 'reply') {
      bus.publish(AgentEvent.message(agentMessage('', contextId, `you said: ${words.slice(1).join(' ')}`)));
      return;
    }
    bus.publish(
      AgentEvent.task({
        id: taskId,
        contextId,
        status: {
          state: TaskState.TASK_STATE_SUBMITTED,
          timestamp: new Date().toISOString(),
          message: undefined,
        },
        artifacts: [],
        history: [userMessage],
        metadata: {},
      }),
    );
    status(TaskState.TASK_STATE_WORKING, 'on it');
    if (words[0] === 'fail') {
      status(TaskState.TASK_STATE_FAILED, 'the upstream model refused');
      return;
    }
    if (words[0] === 'slow') {
      const steps = Number(words[1] ?? 5);
      const ms = Number(words[2] ?? 200);
      for (let step = 1; step <= steps; step++) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (this.canceled.has(taskId)) {
          status(TaskState.TASK_STATE_CANCELED, `canceled at step ${step}`);
          return;
        }
        status(TaskState.TASK_STATE_WORKING, `step ${step} of ${steps}`);
      }
    }
    bus.publish(
      AgentEvent.artifactUpdate({
        taskId,
        contextId,
        artifact: {
          artifactId: 'report',
          name: 'report',
          description: 'what the agent found',
          parts: [text(`done: ${words.join(' ')}`)],
          metadata: {},
          extensions: [],
        },
        append: false,
        lastChunk: true,
        metadata: {},
      }),
    );
    status(TaskState.TASK_STATE_COMPLETED, 'finished');
  }
}

/**
 * Starts the agent on 127.0.0.1 (a free port). `streaming: false` makes its card say it does not
 * stream; `requireHeader` refuses (401) every request, the card's included, without that header;
 * `dropFirstStreamAfterMs` cuts the first streamed answer's connection mid-task.
 */
export async function startTestAgent(
  options: {
    streaming?: boolean;
    requireHeader?: { name: string; value: string };
    /** the first streaming request's connection is cut this long after it arrives (a lost stream) */
    dropFirstStreamAfterMs?: number;
  } = {},
): Promise<TestAgent> {
  const agent: TestAgent = {
    url: '',
    received: [],
    cancelRequests: [],
    streamsDropped: 0,
    close: async () => {},
  };
  const app = express();
  let toDrop = options.dropFirstStreamAfterMs;
  app.use((request, _response, next) => {
    if (
      toDrop !== undefined &&
      request.method === 'POST' &&
      request.header('accept')?.includes('text/event-stream')
    ) {
      const after = toDrop;
      toDrop = undefined;
      agent.streamsDropped += 1;
      setTimeout(() => request.socket.destroy(), after);
    }
    next();
  });
  const required = options.requireHeader;
  if (required)
    app.use((request, response, next) => {
      if (request.header(required.name) === required.value) return next();
      response.status(401).json({ error: 'unauthorized' });
    });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  agent.url = `http://127.0.0.1:${port}`;
  const card: AgentCard = {
    name: 'Test research agent',
    description: 'A scripted A2A agent for the agent task tests',
    supportedInterfaces: [
      { url: `${agent.url}/`, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION },
    ],
    provider: { organization: 'Seren tests', url: 'https://example.com' },
    version: '1.0.0',
    capabilities: {
      streaming: options.streaming ?? true,
      pushNotifications: false,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: [
      {
        id: 'research',
        name: 'Research',
        description: 'Runs a scripted task',
        tags: ['test'],
        examples: ['quick'],
        inputModes: ['text'],
        outputModes: ['text'],
        securityRequirements: [],
      },
    ],
    documentationUrl: '',
    signatures: [],
  };
  const handler = new DefaultRequestHandler(card, new InMemoryTaskStore(), new ScriptedExecutor(agent));
  app.use(`/${AGENT_CARD_PATH}`, agentCardHandler({ agentCardProvider: handler }));
  app.use(jsonRpcHandler({ requestHandler: handler, userBuilder: UserBuilder.noAuthentication }));
  agent.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return agent;
}
