import {
  AgentTaskArtifactReceived,
  AgentTaskCreated,
  AgentTaskFinished,
  AgentTaskStatusChanged,
  agentTaskTerminalStates,
  type agentTaskMessage,
  type agentTaskPart,
  type EventOf,
} from '@seren/contracts';
import type { z } from 'zod';

export type AgentTaskEvent = EventOf<
  [
    typeof AgentTaskCreated,
    typeof AgentTaskStatusChanged,
    typeof AgentTaskArtifactReceived,
    typeof AgentTaskFinished,
  ]
>;

export type AgentTaskPart = z.infer<typeof agentTaskPart>;
export type AgentTaskMessage = z.infer<typeof agentTaskMessage>;

/** A2A's task states in their JSON spelling; the last four end a task. */
export type AgentTaskStatus =
  'submitted' | 'working' | 'input-required' | 'auth-required' | (typeof agentTaskTerminalStates)[number];
export type TerminalStatus = (typeof agentTaskTerminalStates)[number];

export const isTerminal = (status: string): status is TerminalStatus =>
  (agentTaskTerminalStates as readonly string[]).includes(status);

export const agentTaskStream = (taskId: string) => `agent-task-${taskId}`;

export interface AgentTaskPricing {
  asset: 'USDC';
  /** atomic units per hour of run time */
  hourlyRate: bigint | null;
  /** the least a charged task costs, atomic units */
  minCharge: bigint | null;
}

export type AgentTaskState =
  | { status: 'none' }
  | {
      status: AgentTaskStatus;
      taskId: string;
      publisherId: string;
      publisherSlug: string;
      organizationId: string;
      agentId: string | null;
      a2aEndpointUrl: string;
      /** the message to send */
      input: AgentTaskMessage;
      pricing: AgentTaskPricing;
      createdAt: string;
      remoteTaskId: string | null;
      contextId: string | null;
      /** the messageId of the last status message recorded: a status seen again is not recorded twice */
      lastMessageId: string | null;
      /** artifact ids already recorded (a snapshot after a reconnect repeats them) */
      artifactIds: string[];
    };

export const initialAgentTaskState = (): AgentTaskState => ({ status: 'none' });

export function evolveAgentTask(state: AgentTaskState, event: AgentTaskEvent): AgentTaskState {
  if (event.type === 'AgentTaskCreated') {
    const d = event.data;
    return {
      status: 'submitted',
      taskId: d.taskId,
      publisherId: d.publisherId,
      publisherSlug: d.publisherSlug,
      organizationId: d.organizationId,
      agentId: d.agentId,
      a2aEndpointUrl: d.a2aEndpointUrl,
      input: d.input,
      pricing: {
        asset: d.asset,
        hourlyRate: d.hourlyRateAtomic === null ? null : BigInt(d.hourlyRateAtomic),
        minCharge: d.minChargeAtomic === null ? null : BigInt(d.minChargeAtomic),
      },
      createdAt: d.createdAt,
      remoteTaskId: null,
      contextId: null,
      lastMessageId: null,
      artifactIds: [],
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'AgentTaskStatusChanged':
      return {
        ...state,
        status: event.data.state,
        remoteTaskId: event.data.remoteTaskId,
        contextId: event.data.contextId,
        lastMessageId: event.data.message?.messageId ?? null,
      };
    case 'AgentTaskArtifactReceived':
      return state.artifactIds.includes(event.data.artifactId)
        ? state
        : { ...state, artifactIds: [...state.artifactIds, event.data.artifactId] };
    case 'AgentTaskFinished':
      return {
        ...state,
        status: event.data.state,
        remoteTaskId: event.data.remoteTaskId ?? state.remoteTaskId,
      };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
