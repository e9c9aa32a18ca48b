import type { Client } from '@a2a-js/sdk/client';
import { outboundPolicyFromEnv } from '@seren/outbound';
import type { Logger } from '@seren/service-kit';
import type { DataSource } from 'typeorm';
import { a2aClientOf, type A2aCredentials, type A2aSettings } from './a2a.js';
import { AgentTaskEventHub } from './stream.js';

/** What agent tasks run with: the A2A client (through the outbound guard), the streams' hub and timings. */
export interface AgentTaskRuntime {
  /** a client of the agent at the endpoint (reads its card), calling with the publisher's credentials */
  client(endpoint: string, credentials?: A2aCredentials): Promise<Client>;
  /** A2A CancelTask on the remote task */
  cancelRemote(endpoint: string, remoteTaskId: string, credentials?: A2aCredentials): Promise<void>;
  /** the committed task events, for this process's open streams */
  hub: AgentTaskEventHub;
  /** how often an open stream sends an SSE comment so proxies keep it open */
  heartbeatMs: number;
  /** how often a task of an agent that does not stream is polled */
  pollMs: number;
  description: Record<string, unknown>;
}

function positive(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  return value;
}

/**
 * AGENT_TASK_SSE_HEARTBEAT_MS (15000), AGENT_TASK_POLL_MS (1000), AGENT_TASK_STREAM_TIMEOUT_MS (the
 * longest one A2A call or followed stream may take, 24 h) and the outbound guard's
 * OUTBOUND_ALLOW_PRIVATE (a2a endpoints on private addresses are refused unless it allows them).
 */
export function agentTaskRuntimeOf(
  env: Record<string, string | undefined>,
  dataSource: DataSource,
  logger: Logger,
): AgentTaskRuntime {
  const policy = outboundPolicyFromEnv(env as NodeJS.ProcessEnv);
  const a2a: A2aSettings = { policy, timeoutMs: positive(env, 'AGENT_TASK_STREAM_TIMEOUT_MS', 86_400_000) };
  const quick: A2aSettings = { policy, timeoutMs: 10_000 };
  const heartbeatMs = positive(env, 'AGENT_TASK_SSE_HEARTBEAT_MS', 15_000);
  const pollMs = positive(env, 'AGENT_TASK_POLL_MS', 1_000);
  return {
    client: (endpoint, credentials) => a2aClientOf(endpoint, a2a, credentials),
    async cancelRemote(endpoint, remoteTaskId, credentials) {
      const client = await a2aClientOf(endpoint, quick, credentials);
      await client.cancelTask({ tenant: '', id: remoteTaskId, metadata: {} });
    },
    hub: new AgentTaskEventHub(dataSource, logger),
    heartbeatMs,
    pollMs,
    description: { heartbeatMs, pollMs, streamTimeoutMs: a2a.timeoutMs },
  };
}
