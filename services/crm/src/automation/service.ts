import { randomUUID } from 'node:crypto';
import { executionStatuses, type ExecutionStatus } from '@seren/contracts';
import { checkOutboundUrl, OutboundRefused } from '@seren/outbound';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdReusePolicy,
  WorkflowNotFoundError,
} from '@temporalio/client';
import type { Crm } from '../application.js';
import { findContact } from '../contacts/queries.js';
import { locationOf } from '../locations.js';
import { cursorPageOf, invalidFields, type CursorInput, type FieldProblem } from '../pagination.js';
import { derivedId } from '../pipelines/pipeline.js';
import { workflowDecider, workflowErrors, type WorkflowCommand, type WorkflowInput } from './decide.js';
import type { ExecutionInput } from './run.js';
import { parseSteps, triggerMatches, type Step, type Trigger } from './steps.js';
import type { TriggerFired, TriggerType } from './triggers.js';
import { workflowStream } from './workflow.js';
import type { runWorkflowExecution } from './workflows.js';
import {
  executionSteps,
  findExecution,
  findWorkflow,
  listExecutions as listExecutionRows,
  liveExecutionsOf,
  publishedWorkflowsFor,
  workflowsOf,
  workflowVersion,
  type ExecutionStepView,
  type ExecutionView,
  type WorkflowView,
} from './queries.js';

function handleWorkflow(crm: Crm, request: RequestOrigin, workflowId: string, command: WorkflowCommand) {
  return handle(
    crm,
    undefined,
    workflowStream(workflowId),
    workflowDecider,
    command,
    eventMetadataOf(request),
  );
}

async function found(crm: Crm, locationId: string, workflowId: string): Promise<WorkflowView> {
  const workflow = await findWorkflow(crm, locationId, workflowId);
  if (!workflow) throw workflowErrors.notFound('workflow');
  return workflow;
}

/**
 * Webhook and custom-action URLs naming a private, loopback, link-local or metadata address are
 * refused when the definition is saved (400), and again when the step sends (DNS rebinding). A URL
 * whose host is templated is checked only when it sends.
 */
async function urlProblems(crm: Crm, steps: unknown): Promise<FieldProblem[]> {
  const parsed = parseSteps(steps).steps ?? [];
  const problems: FieldProblem[] = [];
  for (const [index, step] of parsed.entries()) {
    if ((step.type !== 'send_webhook' && step.type !== 'custom_webhook') || step.url.includes('{{')) continue;
    try {
      await checkOutboundUrl(step.url, crm.settings.outbound, { field: `steps[${index}].url` });
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      problems.push({ field: `steps[${index}].url`, message: error.message });
    }
  }
  return problems;
}

async function checkUrls(crm: Crm, steps: unknown) {
  if (steps === undefined) return;
  const problems = await urlProblems(crm, steps);
  if (problems.length > 0) throw invalidFields(problems);
}

/** Creates a draft workflow in the caller's location (trigger `manual` and no steps unless given). */
export async function createWorkflow(
  crm: Crm,
  request: RequestOrigin,
  input: WorkflowInput,
): Promise<WorkflowView> {
  const locationId = locationOf(request);
  const workflowId = randomUUID();
  await checkUrls(crm, input.steps);
  await handleWorkflow(crm, request, workflowId, {
    type: 'CreateWorkflow',
    workflowId,
    locationId,
    input,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, workflowId);
}

/** Edits the draft (name, trigger, steps); the published version runs unchanged until the next publish. */
export async function updateWorkflow(
  crm: Crm,
  request: RequestOrigin,
  workflowId: string,
  input: WorkflowInput,
): Promise<WorkflowView> {
  const locationId = locationOf(request);
  await found(crm, locationId, workflowId);
  await checkUrls(crm, input.steps);
  await handleWorkflow(crm, request, workflowId, {
    type: 'UpdateWorkflow',
    input,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, workflowId);
}

/** Publishes the draft as the next version (nothing when the published version is the draft). */
export async function publishWorkflow(
  crm: Crm,
  request: RequestOrigin,
  workflowId: string,
): Promise<WorkflowView> {
  const locationId = locationOf(request);
  await found(crm, locationId, workflowId);
  await handleWorkflow(crm, request, workflowId, { type: 'PublishWorkflow', now: crm.now().toISOString() });
  return found(crm, locationId, workflowId);
}

export async function unpublishWorkflow(
  crm: Crm,
  request: RequestOrigin,
  workflowId: string,
): Promise<WorkflowView> {
  const locationId = locationOf(request);
  await found(crm, locationId, workflowId);
  await handleWorkflow(crm, request, workflowId, { type: 'UnpublishWorkflow', now: crm.now().toISOString() });
  return found(crm, locationId, workflowId);
}

export async function deleteWorkflow(crm: Crm, request: RequestOrigin, workflowId: string): Promise<boolean> {
  const locationId = locationOf(request);
  await found(crm, locationId, workflowId);
  await handleWorkflow(crm, request, workflowId, { type: 'DeleteWorkflow', now: crm.now().toISOString() });
  return true;
}

export const listWorkflows = (crm: Crm, request: RequestOrigin) => workflowsOf(crm, locationOf(request));
export const getWorkflow = (crm: Crm, request: RequestOrigin, workflowId: string) =>
  found(crm, locationOf(request), workflowId);

// ---- executions --------------------------------------------------------------------------------

/**
 * Starts one execution of a workflow's published version for a contact: one Temporal workflow whose
 * id is the execution id. The id derives from the workflow and what triggered it (an event id, or
 * a request's idempotency), so a redelivered trigger names the same Temporal workflow and Temporal
 * refuses the second start (REJECT_DUPLICATE, also once the first has ended): one execution.
 */
export async function startExecution(
  crm: Crm,
  input: {
    workflowId: string;
    version: number;
    steps: Step[];
    locationId: string;
    contactId: string;
    trigger: TriggerType;
    triggerEventId: string | null;
    triggerData: Record<string, unknown>;
    /** HighLevel's eventStartTime: the execution starts then (a delayed start is a wait before step 0) */
    startAt?: Date;
  },
): Promise<{ executionId: string; started: boolean }> {
  const executionId = input.triggerEventId
    ? derivedId('workflow-execution', input.workflowId, input.triggerEventId)
    : randomUUID();
  const args: ExecutionInput = {
    executionId,
    workflowId: input.workflowId,
    workflowVersion: input.version,
    locationId: input.locationId,
    contactId: input.contactId,
    trigger: input.trigger,
    triggerEventId: input.triggerEventId,
    triggerData: input.triggerData,
    steps: input.steps,
    startAt: input.startAt?.toISOString() ?? null,
  };
  try {
    await crm.workflows.workflow.start<typeof runWorkflowExecution>('runWorkflowExecution', {
      taskQueue: crm.taskQueue,
      workflowId: executionId,
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      args: [args],
    });
    return { executionId, started: true };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { executionId, started: false };
    throw error;
  }
}

/**
 * HighLevel's `POST /workflows/{id}/execute` and `POST /contacts/{contactId}/workflow/{workflowId}`:
 * the contact enters the workflow's published version. 404 for an unknown or draft workflow or an
 * unknown contact; `eventStartTime` (ISO 8601) in the future delays the start.
 */
export async function executeWorkflow(
  crm: Crm,
  request: RequestOrigin,
  workflowId: string,
  input: { contactId?: string | null; eventStartTime?: string | null; idempotencyKey?: string | null },
): Promise<{ executionId: string; workflowId: string; contactId: string; status: ExecutionStatus }> {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const contactId = input.contactId?.trim() ?? '';
  if (!contactId) problems.push({ field: 'contactId', message: 'is required' });
  let startAt: Date | undefined;
  if (input.eventStartTime) {
    const at = Date.parse(input.eventStartTime);
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(input.eventStartTime))
      problems.push({ field: 'eventStartTime', message: 'must be an ISO 8601 date-time' });
    else startAt = new Date(at);
  }
  if (problems.length > 0) throw invalidFields(problems);
  const workflow = await findWorkflow(crm, locationId, workflowId);
  if (!workflow || workflow.status !== 'published' || workflow.version === 0)
    throw workflowErrors.notFound('workflow', { reason: 'WORKFLOW_NOT_PUBLISHED' });
  if (!(await findContact(crm, locationId, contactId))) throw workflowErrors.notFound('contact');
  const definition = await workflowVersion(crm, workflowId, workflow.version);
  const { executionId } = await startExecution(crm, {
    workflowId,
    version: workflow.version,
    steps: definition!.steps,
    locationId,
    contactId,
    trigger: 'manual',
    triggerEventId: input.idempotencyKey ? `request:${locationId}:${input.idempotencyKey}` : null,
    triggerData: { eventStartTime: startAt?.toISOString() ?? null },
    startAt,
  });
  return { executionId, workflowId, contactId, status: 'running' };
}

/**
 * The workflows a fired trigger starts: every published workflow of the location on that trigger
 * whose filters match, once per (workflow, event) whatever the redeliveries.
 */
export async function startTriggeredExecutions(
  crm: Crm,
  fired: TriggerFired,
  eventId: string,
  onlyWorkflowId?: string,
): Promise<string[]> {
  const workflows = await publishedWorkflowsFor(crm, fired.locationId, fired.trigger);
  const started: string[] = [];
  for (const workflow of workflows) {
    if (onlyWorkflowId && workflow.id !== onlyWorkflowId) continue;
    if (!triggerMatches(workflow.trigger as Trigger, fired.data)) continue;
    const result = await startExecution(crm, {
      workflowId: workflow.id,
      version: workflow.version,
      steps: workflow.steps,
      locationId: fired.locationId,
      contactId: fired.contactId,
      trigger: fired.trigger,
      triggerEventId: eventId,
      triggerData: fired.data,
    });
    started.push(result.executionId);
  }
  return started;
}

/**
 * HighLevel's `DELETE /contacts/{contactId}/workflow/{workflowId}`: the contact leaves the workflow;
 * its executions there that have not ended are cancelled (their Temporal workflows record
 * ExecutionCancelled). True even when none was running, as HighLevel answers.
 */
export async function removeContactFromWorkflow(
  crm: Crm,
  request: RequestOrigin,
  contactId: string,
  workflowId: string,
): Promise<{ cancelled: string[] }> {
  const locationId = locationOf(request);
  await found(crm, locationId, workflowId);
  const live = await liveExecutionsOf(crm, locationId, workflowId, contactId);
  for (const executionId of live) {
    try {
      await crm.workflows.workflow.getHandle(executionId).cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }
  return { cancelled: live };
}

export async function getExecution(
  crm: Crm,
  request: RequestOrigin,
  executionId: string,
): Promise<ExecutionView & { steps: ExecutionStepView[] }> {
  const execution = await findExecution(crm, locationOf(request), executionId);
  if (!execution) throw workflowErrors.notFound('workflow execution');
  return { ...execution, steps: await executionSteps(crm, executionId) };
}

export interface ExecutionListFilter {
  workflowId?: string | null;
  contactId?: string | null;
  status?: string | null;
  startedFrom?: string | null;
  startedTo?: string | null;
}

/** The location's executions, newest first, filtered by workflow, contact, status and start date, by cursor. */
export function listExecutions(
  crm: Crm,
  request: RequestOrigin,
  filter: ExecutionListFilter,
  page: CursorInput,
) {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const cursor = (() => {
    try {
      return cursorPageOf(page);
    } catch (error) {
      problems.push(
        ...(((error as { details?: { fields?: FieldProblem[] } }).details?.fields ?? []) as FieldProblem[]),
      );
      return undefined;
    }
  })();
  if (filter.status && !(executionStatuses as readonly string[]).includes(filter.status))
    problems.push({ field: 'status', message: `must be one of ${executionStatuses.join(', ')}` });
  const dateOf = (field: string, value: string | null | undefined) => {
    if (!value) return null;
    const at = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
    if (Number.isNaN(at)) {
      problems.push({ field, message: 'must be an ISO 8601 date-time or epoch milliseconds' });
      return null;
    }
    return new Date(at);
  };
  const startedFrom = dateOf('startDate', filter.startedFrom);
  const startedTo = dateOf('endDate', filter.startedTo);
  if (problems.length > 0) throw invalidFields(problems);
  return listExecutionRows(
    crm,
    locationId,
    {
      workflowId: filter.workflowId,
      contactId: filter.contactId,
      status: filter.status as ExecutionStatus | null,
      startedFrom,
      startedTo,
    },
    cursor!,
  );
}
