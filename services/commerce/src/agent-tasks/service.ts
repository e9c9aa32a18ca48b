import { randomUUID } from 'node:crypto';
import { ConcurrencyError, type EventMetadata } from '@seren/event-store';
import { eventMetadataOf, handle, requireAuthenticated, type RequestOrigin } from '@seren/service-kit';
import { forbidden, isDomainError, notFound } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import {
  accounts,
  agentWallet,
  balances,
  captureHold,
  findHold,
  placeHold,
  postEntry,
  releaseHold,
  type EntryLine,
} from '../ledger/index.js';
import { requestHashOf, withIdempotency } from '../ledger/idempotency.js';
import { PRIMARY_ASSET, type ProxyPublisher } from '../publishers/index.js';
import {
  agentTaskDecider,
  agentTaskErrors,
  chargeOf,
  splitPayment,
  startHoldOf,
  type AgentTaskCommand,
} from './decide.js';
import { agentCredentialsOf } from './credentials.js';
import { inputMessageOf } from './input.js';
import {
  agentTaskEventsOf,
  agentTaskOf,
  agentTasksOf,
  type AgentTaskEventView,
  type AgentTaskView,
} from './queries.js';
import {
  agentTaskStream,
  initialAgentTaskState,
  evolveAgentTask,
  isTerminal,
  type AgentTaskEvent,
  type AgentTaskMessage,
  type AgentTaskPricing,
  type AgentTaskState,
  type TerminalStatus,
} from './task.js';
import type { runAgentTask } from './workflows.js';

const ASSET = 'USDC' as const;

/** What a task needs of its publisher: the proxy passes the one findPublisherBySlug found. */
export type AgentTaskPublisher = Pick<ProxyPublisher, 'id' | 'slug' | 'integrationType' | 'pricing'> & {
  upstream: Pick<ProxyPublisher['upstream'], 'a2aEndpointUrl'>;
};

export interface StartAgentTaskInput {
  publisher: AgentTaskPublisher;
  /** the caller's organization: its wallet pays, it reads and cancels the task */
  organizationId: string;
  /** the calling agent or user, when known */
  agentId: string | null;
  /** the root call's body: see inputMessageOf for what it may be */
  message: unknown;
  /** who asked, for the events' metadata (request id, trace) */
  request?: RequestOrigin;
  /**
   * The client's idempotency key (REST `Idempotency-Key`, GraphQL `idempotencyKey`): the same key with
   * the same message answers the first task again, holding nothing more; another message 400.
   */
  idempotencyKey?: string | null;
}

export const agentTaskWorkflowId = (taskId: string) => `agent-task-${taskId}`;

const systemMetadata = (organizationId: string): EventMetadata => ({
  actor: 'system:agent-task',
  organizationId,
});

/** The publisher's USDC pricing as the task records it (atomic units; null where it sets none). */
function pricingOf(publisher: AgentTaskPublisher): AgentTaskPricing {
  const price = publisher.pricing[PRIMARY_ASSET];
  return { asset: ASSET, hourlyRate: price?.hourlyRate ?? null, minCharge: price?.minCharge ?? null };
}

/**
 * Starts a task on an agent publisher: holds its minimum charge on the wallet (or a minute at the
 * hourly rate; 402 INSUFFICIENT_FUNDS when the wallet cannot cover it), records the task
 * (AgentTaskCreated, the publisher's pricing fixed at this moment) in the same transaction, then
 * starts its workflow, which sends the A2A message and follows the remote task. 400 for a publisher
 * that is not an agent or a message that is not one.
 */
export async function startAgentTask(
  commerce: Commerce,
  input: StartAgentTaskInput,
): Promise<{ taskId: string }> {
  const { publisher } = input;
  const endpoint = publisher.upstream.a2aEndpointUrl;
  if (publisher.integrationType !== 'agent' || !endpoint)
    throw agentTaskErrors.validationError(
      'the publisher is not an agent (compute_type = agent, a2a_endpoint_url)',
      {
        reason: 'NOT_AN_AGENT_PUBLISHER',
      },
    );
  const message = inputMessageOf(input.message);
  const pricing = pricingOf(publisher);
  const hold = startHoldOf(pricing);
  const now = commerce.now();
  // with a key, a retry answers the task its first request made (its hold, its workflow) and starts
  // nothing; `created` is the task this call recorded (a replay, or a run rolled back for a key taken
  // meanwhile, leaves another)
  let created: string | undefined;
  const { taskId } = await withIdempotency(
    commerce,
    {
      scope: `POST /publishers/${publisher.slug}:agent-task:${input.organizationId}`,
      key: input.idempotencyKey || undefined,
      requestHash: requestHashOf({ message }),
    },
    async (tx) => {
      const taskId = randomUUID();
      if (hold > 0n)
        await placeHold(tx, {
          holdId: taskId,
          organizationId: input.organizationId,
          publisherId: publisher.id,
          asset: ASSET,
          amount: hold,
          // the workflow settles it; the sweep only after the longest a task may be followed
          expiresAt: new Date(now.getTime() + HOLD_LIFETIME_MS),
          metadata: { publisher_slug: publisher.slug, task_id: taskId, kind: 'task' },
          at: now,
        });
      await handle(
        commerce,
        tx,
        agentTaskStream(taskId),
        agentTaskDecider,
        {
          type: 'CreateAgentTask',
          taskId,
          publisherId: publisher.id,
          publisherSlug: publisher.slug,
          organizationId: input.organizationId,
          agentId: input.agentId,
          a2aEndpointUrl: endpoint,
          input: message,
          pricing,
          now: now.toISOString(),
        },
        input.request
          ? eventMetadataOf(input.request, { organizationId: input.organizationId })
          : systemMetadata(input.organizationId),
      );
      created = taskId;
      return { taskId };
    },
  );
  if (created !== taskId) return { taskId };
  try {
    await commerce.workflows.workflow.start<typeof runAgentTask>('runAgentTask', {
      taskQueue: commerce.taskQueue,
      workflowId: agentTaskWorkflowId(taskId),
      args: [{ taskId }],
    });
  } catch (error) {
    // a task whose workflow never started ends here, at no cost (its hold released)
    await finishAgentTask(commerce, taskId, {
      state: 'failed',
      error: 'the task could not be started',
      remoteTaskId: null,
      message: null,
      canceledBy: null,
    });
    throw error;
  }
  return { taskId };
}

/** A task's hold outlives the longest the workflow follows a task (24 h) by an hour. */
const HOLD_LIFETIME_MS = 25 * 3_600_000;

/** The task as its events left it (the workflow's activities decide on it). */
export async function agentTaskState(
  commerce: Commerce,
  taskId: string,
  manager?: EntityManager,
): Promise<AgentTaskState> {
  const { events } = await commerce.store.readStream<AgentTaskEvent>(agentTaskStream(taskId), { manager });
  return events.reduce(evolveAgentTask, initialAgentTaskState());
}

/** Records what the remote agent reported (a status that is not final, an artifact); a repeat records nothing. */
export async function recordAgentTaskProgress(
  commerce: Commerce,
  taskId: string,
  command: Extract<AgentTaskCommand, { type: 'RecordRemoteStatus' | 'RecordArtifact' }>,
): Promise<AgentTaskState> {
  const state = await agentTaskState(commerce, taskId);
  if (state.status === 'none') throw notFound('Task');
  const { state: next } = await handle(
    commerce,
    undefined,
    agentTaskStream(taskId),
    agentTaskDecider,
    command,
    systemMetadata(state.organizationId),
  );
  return next;
}

export interface FinishFacts {
  state: TerminalStatus;
  remoteTaskId: string | null;
  message: AgentTaskMessage | null;
  error: string | null;
  canceledBy: string | null;
}

/**
 * Ends the task and charges it, in one transaction: the price (run time at the hourly rate, at
 * least the minimum charge; nothing for a failed or rejected task) is captured from the task's hold
 * (what the hold does not need goes back to the wallet) and what it comes to beyond the hold is
 * charged from the wallet (promotional credit first; one more journal entry, kind `charge`,
 * reference `agent-task:<id>`), both into the publisher's earnings; then AgentTaskFinished and the
 * call's usage event (PublisherCallCompleted, kind `task`). What the wallet cannot cover is
 * recorded as the shortfall, never an overdraft. Finishers of one task take turns (an advisory
 * lock): the first ends it, the others find it ended and move nothing (`strict`: 400
 * ALREADY_TERMINAL, the caller's cancel).
 */
export async function finishAgentTask(
  commerce: Commerce,
  taskId: string,
  facts: FinishFacts,
  options: { strict?: boolean; metadata?: EventMetadata } = {},
): Promise<AgentTaskState> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await commerce.dataSource.transaction((tx) => finishIn(commerce, tx, taskId, facts, options));
    } catch (error) {
      // a concurrent debit spent the balance between the read and the posting, or the follower
      // recorded a status meanwhile (an append only a new transaction can follow): again, afresh
      const again =
        (isDomainError(error) && error.reason === 'INSUFFICIENT_FUNDS') || error instanceof ConcurrencyError;
      if (attempt < 5 && again) continue;
      throw error;
    }
  }
}

async function finishIn(
  commerce: Commerce,
  tx: EntityManager,
  taskId: string,
  facts: FinishFacts,
  options: { strict?: boolean; metadata?: EventMetadata },
): Promise<AgentTaskState> {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`agent-task:${taskId}`]);
  const current = await agentTaskState(commerce, taskId, tx);
  if (current.status === 'none') throw notFound('Task');
  if (isTerminal(current.status)) {
    if (options.strict)
      throw agentTaskErrors.validationError(`the task already ended (${current.status})`, {
        reason: 'ALREADY_TERMINAL',
      });
    return current;
  }
  const now = commerce.now();
  const hold = await findHold(tx, taskId);
  const held = hold?.status === 'held' ? hold.amount : 0n;
  const wallet = await balances(tx, current.organizationId, ASSET);
  const spendable =
    held + (wallet.funded > 0n ? wallet.funded : 0n) + (wallet.promotional > 0n ? wallet.promotional : 0n);
  const { durationMs, cost, shortfall } = chargeOf(current, facts.state, now.toISOString(), spendable);
  const description = `Agent task ${current.publisherSlug}`;
  const metadata = { publisher_slug: current.publisherSlug, task_id: taskId, description };
  let entryId: string | null = null;
  const fromHold = cost < held ? cost : held;
  if (hold?.status === 'held') {
    if (fromHold > 0n)
      entryId = (await captureHold(tx, taskId, { amount: fromHold, metadata, at: now })).hold.settleEntryId;
    else await releaseHold(tx, taskId, { reason: `task ${facts.state}`, at: now });
  }
  const beyond = cost - fromHold;
  if (beyond > 0n) {
    // the wallet's balances after the capture gave back what the hold did not need
    const paid = splitPayment(beyond, await balances(tx, current.organizationId, ASSET));
    const lines: EntryLine[] = [
      { account: accounts.publisherEarnings(current.publisherId, ASSET), asset: ASSET, amount: beyond },
    ];
    if (paid.fromFunded > 0n)
      lines.push({
        account: accounts.agentFunded(current.organizationId, ASSET),
        asset: ASSET,
        amount: -paid.fromFunded,
      });
    if (paid.fromPromotional > 0n)
      lines.push({
        account: accounts.agentPromotional(current.organizationId, ASSET),
        asset: ASSET,
        amount: -paid.fromPromotional,
      });
    const posted = await postEntry(tx, {
      kind: 'charge',
      reference: `agent-task:${taskId}`,
      organizationId: current.organizationId,
      at: now,
      lines,
      metadata: { publisher_id: current.publisherId, ...metadata },
    });
    entryId ??= posted.entryId;
  }
  const { state, events } = await handle(
    commerce,
    tx,
    agentTaskStream(taskId),
    agentTaskDecider,
    {
      type: 'FinishAgentTask',
      ...facts,
      strict: options.strict ?? false,
      charge: { durationMs, cost, shortfall, entryId },
      now: now.toISOString(),
    },
    options.metadata ?? systemMetadata(current.organizationId),
  );
  const finished = events.find((e) => e.type === 'AgentTaskFinished');
  if (!finished || finished.type !== 'AgentTaskFinished') return state;
  await commerce.store.append(
    `publisher-call-${taskId}`,
    'publisher_call',
    [
      {
        type: 'PublisherCallCompleted',
        data: {
          callId: taskId,
          publisherId: current.publisherId,
          organizationId: current.organizationId,
          agentId: current.agentId,
          agentWallet: agentWallet(current.organizationId),
          kind: 'task',
          paidWith: cost > 0n ? 'wallet' : null,
          asset: ASSET,
          cost: (cost > 0n ? cost : held).toString(),
          rows: null,
          latencyMs: durationMs,
          status: null,
          outcome: cost > 0n ? 'captured' : held > 0n ? 'released' : 'free',
          entryId,
          txHash: null,
          at: now.toISOString(),
        },
      },
    ],
    { manager: tx, expectedVersion: 0, metadata: systemMetadata(current.organizationId) },
  );
  return state;
}

/** The task if the caller's organization started it; 404 otherwise (never whether it exists). */
async function ownTask(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  taskId: string,
) {
  const organizationId = organizationOf(request, organizationIdOrDefault, 'notFound');
  const task = await agentTaskOf(commerce.dataSource.manager, taskId);
  if (!task || task.organizationId !== organizationId) throw notFound('Task');
  return task;
}

/**
 * The organization a path names (`default`: the caller's). Commerce holds no memberships, so only
 * the caller's own organization is served: another is 403 on the list (the spec's status there)
 * and 404 for one task (its only documented refusal).
 */
export function organizationOf(
  request: RequestOrigin,
  idOrDefault: string,
  otherwise: 'forbidden' | 'notFound',
): string {
  requireAuthenticated(request.caller);
  const own = request.caller.organizationId;
  if (own && (idOrDefault === 'default' || idOrDefault === own)) return own;
  if (otherwise === 'forbidden') throw forbidden('not authorized for this organization');
  throw notFound('Task');
}

export async function getAgentTask(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  taskId: string,
): Promise<AgentTaskView> {
  return ownTask(commerce, request, organizationId, taskId);
}

/**
 * The caller cancels a task: 400 ALREADY_TERMINAL when it ended; else the task ends `canceled` and
 * pays for the time it ran, then the remote task is canceled (A2A CancelTask, best effort: an agent
 * that cannot be reached does not keep the task open) and the workflow is cancelled (it stops
 * following the remote task, and cancels it again should the first try have failed).
 */
export async function cancelAgentTask(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  taskId: string,
): Promise<AgentTaskView> {
  const task = await ownTask(commerce, request, organizationId, taskId);
  if (isTerminal(task.status))
    throw agentTaskErrors.validationError(`the task already ended (${task.status})`, {
      reason: 'ALREADY_TERMINAL',
    });
  // ended here first: what the agent reports from now on (its own "canceled") is not recorded
  const state = await finishAgentTask(
    commerce,
    taskId,
    {
      state: 'canceled',
      remoteTaskId: null,
      message: null,
      error: null,
      canceledBy: request.caller.subject ?? null,
    },
    { strict: true, metadata: eventMetadataOf(request, { organizationId: task.organizationId }) },
  );
  if (state.status !== 'none' && state.remoteTaskId)
    await commerce.agentTasks
      .cancelRemote(
        state.a2aEndpointUrl,
        state.remoteTaskId,
        await agentCredentialsOf(commerce, state.publisherSlug),
      )
      .catch((error: unknown) =>
        commerce.logger.warn({ err: error, taskId }, 'canceling the remote agent task failed; canceled here'),
      );
  await commerce.workflows.workflow
    .getHandle(agentTaskWorkflowId(taskId))
    .cancel()
    .catch(() => undefined);
  return (await agentTaskOf(commerce.dataSource.manager, taskId))!;
}

export interface AgentTaskPage {
  tasks: AgentTaskView[];
  total: number;
  limit: number;
  offset: number;
}

/** The organization's tasks, newest first: `limit` 1-100 (default 50), `offset` ≥ 0 (else 400). */
export async function listAgentTasks(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  page: { limit?: number | null; offset?: number | null },
): Promise<AgentTaskPage> {
  const organizationId = organizationOf(request, organizationIdOrDefault, 'forbidden');
  const limit = page.limit ?? 50;
  const offset = page.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw agentTaskErrors.validationError('limit: 1 to 100', { field: 'limit' });
  if (!Number.isInteger(offset) || offset < 0)
    throw agentTaskErrors.validationError('offset: 0 or more', { field: 'offset' });
  const { tasks, total } = await agentTasksOf(commerce.dataSource.manager, organizationId, { limit, offset });
  return { tasks, total, limit, offset };
}

/** The task's events, in order (each with its sequence, the stream's `id:`). */
export async function listAgentTaskEvents(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  taskId: string,
): Promise<AgentTaskEventView[]> {
  const task = await ownTask(commerce, request, organizationId, taskId);
  return agentTaskEventsOf(commerce.dataSource.manager, task.id, 0, 10_000);
}
