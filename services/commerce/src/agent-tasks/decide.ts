import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveAgentTask,
  initialAgentTaskState,
  isTerminal,
  type AgentTaskEvent,
  type AgentTaskMessage,
  type AgentTaskPart,
  type AgentTaskPricing,
  type AgentTaskState,
  type AgentTaskStatus,
  type TerminalStatus,
} from './task.js';

export type AgentTaskReason = 'ALREADY_TERMINAL' | 'NOT_AN_AGENT_PUBLISHER' | 'INSUFFICIENT_FUNDS';
export const agentTaskErrors = domainErrorsOf<AgentTaskReason>();

const HOUR_MS = 3_600_000n;

/**
 * What a task that ended in `state` after `durationMs` costs: its run time at the hourly rate
 * (rounded up to the atomic unit), at least the minimum charge. A failed or rejected task costs
 * nothing (as a failed upstream call costs nothing); a canceled one pays the time it ran.
 */
export function priceOf(pricing: AgentTaskPricing, state: TerminalStatus, durationMs: number): bigint {
  if (state === 'failed' || state === 'rejected') return 0n;
  const hourly = pricing.hourlyRate ?? 0n;
  const timed = (hourly * BigInt(Math.max(0, Math.ceil(durationMs))) + HOUR_MS - 1n) / HOUR_MS;
  const minimum = pricing.minCharge ?? 0n;
  return timed > minimum ? timed : minimum;
}

/** How a price is paid from the wallet: promotional credit first, then funded; what neither covers is the shortfall. */
export function splitPayment(price: bigint, balances: { funded: bigint; promotional: bigint }) {
  const promotional = balances.promotional > 0n ? balances.promotional : 0n;
  const funded = balances.funded > 0n ? balances.funded : 0n;
  const fromPromotional = price < promotional ? price : promotional;
  const rest = price - fromPromotional;
  const fromFunded = rest < funded ? rest : funded;
  return { fromPromotional, fromFunded, shortfall: rest - fromFunded };
}

/** The hold placed when a task starts: its minimum charge, or one minute at its hourly rate when that is more. */
export function startHoldOf(pricing: AgentTaskPricing): bigint {
  const minute = ((pricing.hourlyRate ?? 0n) + 59n) / 60n;
  const minimum = pricing.minCharge ?? 0n;
  return minimum > minute ? minimum : minute;
}

/**
 * What a task ending now in `state` is charged: its price (see priceOf) as far as `spendable` (the
 * task's hold plus the wallet's balances) covers it; the rest is the shortfall, never an overdraft.
 */
export function chargeOf(
  state: Extract<AgentTaskState, { taskId: string }>,
  ending: TerminalStatus,
  now: string,
  spendable: bigint,
) {
  const durationMs = Math.max(0, Date.parse(now) - Date.parse(state.createdAt));
  const price = priceOf(state.pricing, ending, durationMs);
  const cost = price < spendable ? price : spendable > 0n ? spendable : 0n;
  return { durationMs, cost, shortfall: price - cost };
}

export type AgentTaskCommand =
  | {
      type: 'CreateAgentTask';
      taskId: string;
      publisherId: string;
      publisherSlug: string;
      organizationId: string;
      agentId: string | null;
      a2aEndpointUrl: string;
      input: AgentTaskMessage;
      pricing: AgentTaskPricing;
      now: string;
    }
  | {
      /** a non-terminal status the remote reported */
      type: 'RecordRemoteStatus';
      remoteTaskId: string;
      contextId: string;
      state: Exclude<AgentTaskStatus, TerminalStatus>;
      message: AgentTaskMessage | null;
      remoteAt: string | null;
      now: string;
    }
  | {
      type: 'RecordArtifact';
      artifactId: string;
      name: string;
      description: string;
      parts: AgentTaskPart[];
      append: boolean;
      lastChunk: boolean;
      /** from a task snapshot (a reconnect repeats what was recorded): only unseen artifacts count */
      fromSnapshot: boolean;
      now: string;
    }
  | {
      type: 'FinishAgentTask';
      state: TerminalStatus;
      remoteTaskId: string | null;
      message: AgentTaskMessage | null;
      error: string | null;
      canceledBy: string | null;
      /** the caller's cancel: a task already ended is a 400; the workflow's finish is a no-op then */
      strict: boolean;
      /** what chargeOf found, and posted to the ledger in the finishing transaction */
      charge: { durationMs: number; cost: bigint; shortfall: bigint; entryId: string | null };
      now: string;
    };

export function decideAgentTask(command: AgentTaskCommand, state: AgentTaskState): AgentTaskEvent[] {
  if (command.type === 'CreateAgentTask') {
    if (state.status !== 'none') return [];
    return [
      {
        type: 'AgentTaskCreated',
        data: {
          taskId: command.taskId,
          publisherId: command.publisherId,
          publisherSlug: command.publisherSlug,
          organizationId: command.organizationId,
          agentId: command.agentId,
          a2aEndpointUrl: command.a2aEndpointUrl,
          input: command.input,
          asset: command.pricing.asset,
          hourlyRateAtomic: command.pricing.hourlyRate?.toString() ?? null,
          minChargeAtomic: command.pricing.minCharge?.toString() ?? null,
          createdAt: command.now,
        },
      },
    ];
  }
  if (state.status === 'none') throw agentTaskErrors.notFound('Task');
  switch (command.type) {
    case 'RecordRemoteStatus': {
      // after the end nothing more is recorded: a late update of a task canceled here is dropped
      if (isTerminal(state.status)) return [];
      const messageId = command.message?.messageId ?? null;
      // the same status again (a reconnect's snapshot) is not a new event
      if (state.status === command.state && state.lastMessageId === messageId && state.remoteTaskId !== null)
        return [];
      return [
        {
          type: 'AgentTaskStatusChanged',
          data: {
            taskId: state.taskId,
            remoteTaskId: command.remoteTaskId,
            contextId: command.contextId,
            state: command.state,
            message: command.message,
            remoteAt: command.remoteAt,
            at: command.now,
          },
        },
      ];
    }
    case 'RecordArtifact': {
      if (isTerminal(state.status)) return [];
      if (command.fromSnapshot && state.artifactIds.includes(command.artifactId)) return [];
      const { type: _type, fromSnapshot: _snapshot, now, ...artifact } = command;
      return [{ type: 'AgentTaskArtifactReceived', data: { taskId: state.taskId, ...artifact, at: now } }];
    }
    case 'FinishAgentTask': {
      if (isTerminal(state.status)) {
        if (command.strict)
          throw agentTaskErrors.validationError(`the task already ended (${state.status})`, {
            reason: 'ALREADY_TERMINAL',
          });
        return [];
      }
      const { durationMs, cost, shortfall, entryId } = command.charge;
      return [
        {
          type: 'AgentTaskFinished',
          data: {
            taskId: state.taskId,
            state: command.state,
            remoteTaskId: command.remoteTaskId ?? state.remoteTaskId,
            message: command.message,
            error: command.error,
            canceledBy: command.canceledBy,
            durationMs,
            asset: state.pricing.asset,
            costAtomic: cost.toString(),
            shortfallAtomic: shortfall.toString(),
            entryId,
            at: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const agentTaskDecider = {
  streamType: 'agent_task',
  initialState: initialAgentTaskState,
  evolve: evolveAgentTask,
  decide: decideAgentTask,
};
