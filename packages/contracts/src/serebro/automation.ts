import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serebro's automation (the crm service, spec §3.4 and §4.2): a location's credential store (the
// secrets custom webhook actions send), workflow definitions and their executions. No event carries
// a secret in clear: credential events carry only each value's masked form.
//
// Streams: `credential-<id>` (aggregate credential), `workflow-<id>` (workflow),
// `workflow-execution-<id>` (workflow_execution). Topics `crm.credential`, `crm.workflow`,
// `crm.workflow_execution`.

const id = z.string().min(1);
const at = z.iso.datetime();

// ---- credentials ------------------------------------------------------------------------------

export const credentialKinds = ['api_key', 'bearer', 'basic', 'header', 'other'] as const;
export type CredentialKind = (typeof credentialKinds)[number];

/** Each secret's key and its masked form (`sk_…1234`), never the value. */
const maskedValues = z.array(z.object({ key: z.string().min(1), masked: z.string() }));

export const CredentialCreated = defineEvent({
  type: 'CredentialCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'credential',
  description:
    "A location stored a named credential (its secrets sealed under crm's keyring; the event carries only their masked forms).",
  schema: z.object({
    credentialId: id,
    locationId: id,
    name: z.string().min(1),
    kind: z.enum(credentialKinds),
    values: maskedValues,
    createdAt: at,
  }),
});

export const CredentialRotated = defineEvent({
  type: 'CredentialRotated',
  version: 1,
  domain: 'crm',
  aggregate: 'credential',
  description:
    'New secrets replaced some or all of a credential’s values (version + 1); the previous version stays readable until the next rotation.',
  schema: z.object({
    credentialId: id,
    locationId: id,
    /** the secrets' version after the rotation (1 at creation) */
    version: z.number().int().min(2),
    /** the keys given new values */
    rotatedKeys: z.array(z.string().min(1)),
    values: maskedValues,
    rotatedAt: at,
  }),
});

export const CredentialDeleted = defineEvent({
  type: 'CredentialDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'credential',
  description: 'A credential was deleted with its sealed secrets.',
  schema: z.object({ credentialId: id, locationId: id, deletedAt: at }),
});

// ---- workflow definitions ----------------------------------------------------------------------

/** A trigger or step as the definition holds it (crm's automation/steps.ts checks the shape). */
const definitionPart = z.record(z.string(), z.unknown());

const definition = {
  name: z.string().min(1),
  trigger: definitionPart,
  steps: z.array(definitionPart),
};

export const WorkflowCreated = defineEvent({
  type: 'WorkflowCreated',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow',
  description: 'A workflow definition was created in a location, as a draft (version 0 until published).',
  schema: z.object({ workflowId: id, locationId: id, ...definition, createdAt: at }),
});

export const WorkflowUpdated = defineEvent({
  type: 'WorkflowUpdated',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow',
  description:
    'A workflow’s draft changed (name, trigger, steps); the published version runs unchanged until the next publish.',
  schema: z.object({
    workflowId: id,
    locationId: id,
    name: z.string().min(1).optional(),
    trigger: definitionPart.optional(),
    steps: z.array(definitionPart).optional(),
    updatedAt: at,
  }),
});

export const WorkflowPublished = defineEvent({
  type: 'WorkflowPublished',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow',
  description:
    'A workflow’s draft was published as its next version: new executions run it; running ones keep theirs.',
  schema: z.object({
    workflowId: id,
    locationId: id,
    version: z.number().int().min(1),
    ...definition,
    publishedAt: at,
  }),
});

export const WorkflowUnpublished = defineEvent({
  type: 'WorkflowUnpublished',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow',
  description: 'A workflow went back to draft: it starts no new execution; running ones go on.',
  schema: z.object({ workflowId: id, locationId: id, unpublishedAt: at }),
});

export const WorkflowDeleted = defineEvent({
  type: 'WorkflowDeleted',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow',
  description: 'A workflow definition was deleted; its executions stay readable.',
  schema: z.object({ workflowId: id, locationId: id, deletedAt: at }),
});

// ---- executions --------------------------------------------------------------------------------

export const executionStatuses = ['running', 'waiting', 'completed', 'failed', 'cancelled'] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];

const execution = { executionId: id, workflowId: id, locationId: id, contactId: id };

export const ExecutionStarted = defineEvent({
  type: 'ExecutionStarted',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description:
    'A contact entered a workflow: one execution of the workflow’s published version (id = the Temporal workflow id).',
  schema: z.object({
    ...execution,
    workflowVersion: z.number().int().min(1),
    /** contact_created, tag_added, manual, inbound_webhook, ... */
    trigger: z.string().min(1),
    /** the event (or request) that triggered it, for idempotency and the step log */
    triggerEventId: z.string().nullable(),
    triggerData: z.record(z.string(), z.unknown()),
    startedAt: at,
  }),
});

export const ExecutionStepRecorded = defineEvent({
  type: 'ExecutionStepRecorded',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description:
    'One step of an execution ran: its index, type and outcome (succeeded, failed, skipped, branch taken), with a short detail.',
  schema: z.object({
    ...execution,
    stepIndex: z.number().int().min(0),
    stepType: z.string().min(1),
    outcome: z.enum(['succeeded', 'failed', 'skipped']),
    /** e.g. `{branch: "then"}`, `{status: 200}`, `{opportunityId}`; never a secret */
    detail: z.record(z.string(), z.unknown()),
    recordedAt: at,
  }),
});

export const ExecutionWaitStarted = defineEvent({
  type: 'ExecutionWaitStarted',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description: 'An execution is waiting (a durable timer) until `until`, at a wait step.',
  schema: z.object({ ...execution, stepIndex: z.number().int().min(0), until: at, waitingSince: at }),
});

export const ExecutionResumed = defineEvent({
  type: 'ExecutionResumed',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description: 'An execution’s wait ended; it runs its next step.',
  schema: z.object({ ...execution, stepIndex: z.number().int().min(0), resumedAt: at }),
});

export const ExecutionCompleted = defineEvent({
  type: 'ExecutionCompleted',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description: 'An execution ran to its end (or an end step).',
  schema: z.object({ ...execution, completedAt: at }),
});

export const ExecutionFailed = defineEvent({
  type: 'ExecutionFailed',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description: 'An execution stopped at a step that failed after its retries.',
  schema: z.object({ ...execution, stepIndex: z.number().int().min(0), error: z.string(), failedAt: at }),
});

export const ExecutionCancelled = defineEvent({
  type: 'ExecutionCancelled',
  version: 1,
  domain: 'crm',
  aggregate: 'workflow_execution',
  description: 'An execution was cancelled: its contact was removed from the workflow.',
  schema: z.object({ ...execution, cancelledAt: at }),
});

export const credentialEvents = [CredentialCreated, CredentialRotated, CredentialDeleted] as const;
export const workflowEvents = [
  WorkflowCreated,
  WorkflowUpdated,
  WorkflowPublished,
  WorkflowUnpublished,
  WorkflowDeleted,
] as const;
export const executionEvents = [
  ExecutionStarted,
  ExecutionStepRecorded,
  ExecutionWaitStarted,
  ExecutionResumed,
  ExecutionCompleted,
  ExecutionFailed,
  ExecutionCancelled,
] as const;

/** Every automation event (the registry lists them). */
export const serebroAutomationEvents = [...credentialEvents, ...workflowEvents, ...executionEvents] as const;
