import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's workflow (GET /workflows: `{id, name, status, version, createdAt, updatedAt,
// locationId}`), with Serebro's definition (trigger, steps) on its own rows; an execution with its
// step log; a credential, masked.

export const WorkflowFields = graphql(`
  fragment WorkflowFields on Workflow {
    id
    name
    status
    version
    createdAt
    updatedAt
    locationId
    trigger
    steps
    inboundWebhookUrl
  }
`);

export const workflowSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(['draft', 'published']),
  version: z.number().int().describe('the last published version (0: never published)'),
  createdAt: z.string(),
  updatedAt: z.string(),
  locationId: z.string(),
});

export const workflowDefinitionSchema = workflowSchema.extend({
  trigger: z.record(z.string(), z.unknown()).describe('{type, filters}'),
  steps: z.array(z.record(z.string(), z.unknown())).describe('the draft’s ordered steps'),
  inboundWebhookUrl: z
    .string()
    .nullable()
    .describe(
      'an inbound_webhook workflow’s own URL (POST /hooks/workflows/{id}/{token}); null for other triggers',
    ),
});

export function workflowToRest(ref: FragmentOf<typeof WorkflowFields>): z.input<typeof workflowSchema> {
  const w = readFragment(WorkflowFields, ref);
  return {
    id: w.id,
    name: w.name,
    status: w.status as 'draft' | 'published',
    version: w.version,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    locationId: w.locationId,
  };
}

export function workflowDefinitionToRest(
  ref: FragmentOf<typeof WorkflowFields>,
): z.input<typeof workflowDefinitionSchema> {
  const w = readFragment(WorkflowFields, ref);
  return {
    ...workflowToRest(ref),
    trigger: w.trigger as Record<string, unknown>,
    steps: w.steps as Record<string, unknown>[],
    inboundWebhookUrl: w.inboundWebhookUrl ?? null,
  };
}

export const ExecutionFields = graphql(`
  fragment ExecutionFields on WorkflowExecution {
    id
    workflowId
    locationId
    contactId
    workflowVersion
    status
    trigger
    currentStep
    waitingUntil
    error
    startedAt
    updatedAt
    endedAt
  }
`);

export const executionSchema = z.object({
  id: z.string(),
  workflowId: z.string(),
  locationId: z.string(),
  contactId: z.string(),
  workflowVersion: z.number().int(),
  status: z.enum(['running', 'waiting', 'completed', 'failed', 'cancelled']),
  trigger: z.string(),
  currentStep: z.number().int().nullable(),
  waitingUntil: z.string().nullable(),
  error: z.string().nullable(),
  startedAt: z.string(),
  updatedAt: z.string(),
  endedAt: z.string().nullable(),
});

export function executionToRest(ref: FragmentOf<typeof ExecutionFields>): z.input<typeof executionSchema> {
  const e = readFragment(ExecutionFields, ref);
  return { ...e, status: e.status as z.infer<typeof executionSchema>['status'] };
}

export const executionStepSchema = z.object({
  position: z.number().int(),
  stepIndex: z.number().int(),
  stepType: z.string(),
  outcome: z.enum(['succeeded', 'failed', 'skipped']),
  detail: z.record(z.string(), z.unknown()),
  recordedAt: z.string(),
});

export const CredentialFields = graphql(`
  fragment CredentialFields on Credential {
    id
    locationId
    name
    kind
    values {
      key
      masked
    }
    version
    createdAt
    updatedAt
    rotatedAt
  }
`);

export const credentialSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string(),
  kind: z.string(),
  values: z.array(
    z.object({ key: z.string(), masked: z.string().describe('e.g. sk_…1234; never the value') }),
  ),
  version: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
  rotatedAt: z.string().nullable(),
});

export function credentialToRest(ref: FragmentOf<typeof CredentialFields>): z.input<typeof credentialSchema> {
  const c = readFragment(CredentialFields, ref);
  return { ...c, values: c.values.map((v) => ({ key: v.key, masked: v.masked })) };
}
