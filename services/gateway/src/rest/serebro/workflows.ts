import { z } from 'zod';
import { graphql } from '../graphql.js';
import type { RouteRequest } from '../types.js';
import { route, succeded } from './route.js';
import { metaSchema, metaToRest } from './shapes/meta.js';
import {
  CredentialFields,
  credentialSchema,
  credentialToRest,
  ExecutionFields,
  executionSchema,
  executionStepSchema,
  executionToRest,
  WorkflowFields,
  workflowDefinitionSchema,
  workflowDefinitionToRest,
  workflowSchema,
  workflowToRest,
} from './shapes/workflow.js';

// Serebro §3.4 Workflows & Automations on v1 and v2 at the spec's paths (GET /workflows in
// HighLevel's body, POST /workflows/{id}/execute, GET /workflow-executions), one execution with its
// step log, HighLevel's POST|DELETE /contacts/{contactId}/workflow/{workflowId}, and the rows a user
// needs to define workflows and the credentials their custom webhook actions send (§4.2), which
// HighLevel keeps in its UI only. Rules are the crm service's (services/crm/src/automation/).

const id = z.string().min(1);
const ms = z.coerce.number().describe('epoch milliseconds');
const count = z.coerce.number().int();
const location = { locationId: id.optional().describe('required with an agency credential') };

const shared = { auth: 'required', rateLimit: 'api' } as const;
const read = { ...shared, scope: 'workflows:read' } as const;
const write = { ...shared, scope: 'workflows:write' } as const;

const idempotencyKeyOf = (request: RouteRequest<unknown, unknown, unknown>) => {
  const key = request.headers['idempotency-key'];
  return (Array.isArray(key) ? key[0] : key) ?? null;
};

const ExecuteWorkflow = graphql(`
  mutation SerebroExecuteWorkflow(
    $id: ID!
    $contactId: ID!
    $eventStartTime: String
    $idempotencyKey: String
  ) {
    executeWorkflow(
      id: $id
      contactId: $contactId
      eventStartTime: $eventStartTime
      idempotencyKey: $idempotencyKey
    ) {
      executionId
      workflowId
      contactId
      status
    }
  }
`);

const GetWorkflow = graphql(
  `
    query SerebroGetWorkflow($id: ID!) {
      workflow(id: $id) {
        ...WorkflowFields
      }
    }
  `,
  [WorkflowFields],
);

const definitionBody = z.object({
  ...location,
  name: z.string().optional().describe('1-200 characters (required to create)'),
  trigger: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      '{type, filters}: contact_created, contact_updated, contact_tag_added, appointment_booked, appointment_cancelled, opportunity_stage_changed, opportunity_status_changed, payment_received, inbound_webhook, manual',
    ),
  steps: z
    .array(z.record(z.string(), z.unknown()))
    .optional()
    .describe('ordered steps (crm README, Workflows and executions)'),
});
const definitionResponse = z.object({ workflow: workflowDefinitionSchema });

function definitionMutation(
  method: 'POST' | 'PUT' | 'DELETE',
  path: string,
  summary: string,
  description: string,
  field: 'publishWorkflow' | 'unpublishWorkflow',
) {
  const operation =
    field === 'publishWorkflow'
      ? graphql(
          `
            mutation SerebroPublishWorkflow($id: ID!) {
              publishWorkflow(id: $id) {
                ...WorkflowFields
              }
            }
          `,
          [WorkflowFields],
        )
      : graphql(
          `
            mutation SerebroUnpublishWorkflow($id: ID!) {
              unpublishWorkflow(id: $id) {
                ...WorkflowFields
              }
            }
          `,
          [WorkflowFields],
        );
  return route.operation({
    method,
    path,
    section: 'workflows',
    summary,
    description,
    beyondSpec: 'Serebro: workflow definitions are edited over the API (HighLevel edits them in its UI)',
    ...write,
    request: { params: z.object({ id }), query: z.object(location) },
    operation,
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The workflow',
      schema: definitionResponse,
      body: (data) => ({
        workflow: workflowDefinitionToRest(
          'publishWorkflow' in data
            ? data.publishWorkflow
            : (data as { unpublishWorkflow: never }).unpublishWorkflow,
        ),
      }),
    },
    errors: [403, 404],
  });
}

const secrets = z
  .record(z.string(), z.string())
  .describe(
    'key → secret (shown here once, then only masked): bearer {token}, basic {username, password}, api_key/header {header, value}',
  );

export const workflowsRoutes = [
  route.operation({
    method: 'GET',
    path: '/workflows',
    section: 'workflows',
    summary: 'List workflows',
    description: "The location's workflow definitions, newest first, in HighLevel's body.",
    ...read,
    request: { query: z.object(location) },
    operation: graphql(
      `
        query SerebroListWorkflows {
          workflows {
            ...WorkflowFields
          }
        }
      `,
      [WorkflowFields],
    ),
    response: {
      status: 200,
      description: 'The workflows',
      schema: z.object({ workflows: z.array(workflowSchema) }),
      body: (data) => ({ workflows: data.workflows.map(workflowToRest) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'POST',
    path: '/workflows/{id}/execute',
    section: 'workflows',
    summary: 'Execute a workflow',
    description:
      "Starts one execution of the workflow's published version for a contact of the location (202 with its id); `eventStartTime` (ISO 8601) in the future delays the start. 404 for an unknown or draft workflow or an unknown contact. An `Idempotency-Key` header makes a retry answer the same execution.",
    ...write,
    request: {
      params: z.object({ id }),
      body: z.object({ ...location, contactId: id, eventStartTime: z.string().optional() }),
    },
    operation: ExecuteWorkflow,
    variables: (request) => ({
      id: request.params.id,
      contactId: request.body.contactId,
      eventStartTime: request.body.eventStartTime,
      idempotencyKey: idempotencyKeyOf(request),
    }),
    response: {
      status: 202,
      description: 'The execution started',
      schema: z.object({
        executionId: z.string(),
        workflowId: z.string(),
        contactId: z.string(),
        status: z.literal('running'),
      }),
      body: (data) => ({ ...data.executeWorkflow, status: 'running' as const }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/workflow-executions',
    section: 'workflows',
    summary: 'List workflow executions',
    description:
      "The location's executions, newest first, filtered by workflow, contact, status (running, waiting, completed, failed, cancelled) and start date (`startDate`/`endDate`: ISO 8601 or epoch ms); HighLevel's cursor pagination (`limit` ≤ 100, `startAfterId` + `startAfter` from `meta`).",
    ...read,
    request: {
      query: z.object({
        ...location,
        workflowId: id.optional(),
        contactId: id.optional(),
        status: z.string().optional(),
        startDate: z.string().optional(),
        endDate: z.string().optional(),
        limit: count.optional().describe('1-100, default 20'),
        startAfter: ms.optional(),
        startAfterId: id.optional(),
        page: count.optional(),
      }),
    },
    operation: graphql(
      `
        query SerebroListWorkflowExecutions(
          $workflowId: ID
          $contactId: ID
          $status: String
          $startDate: String
          $endDate: String
          $limit: Int
          $startAfter: Float
          $startAfterId: String
          $page: Int
        ) {
          workflowExecutions(
            workflowId: $workflowId
            contactId: $contactId
            status: $status
            startDate: $startDate
            endDate: $endDate
            limit: $limit
            startAfter: $startAfter
            startAfterId: $startAfterId
            page: $page
          ) {
            executions {
              ...ExecutionFields
            }
            meta {
              total
              startAfterId
              startAfter
              currentPage
              nextPage
              prevPage
            }
          }
        }
      `,
      [ExecutionFields],
    ),
    variables: ({ query: { locationId: _locationId, ...filter } }) => filter,
    response: {
      status: 200,
      description: 'A page of executions',
      schema: z.object({ executions: z.array(executionSchema), meta: metaSchema }),
      body: (data, request) => ({
        executions: data.workflowExecutions.executions.map(executionToRest),
        meta: metaToRest(data.workflowExecutions.meta, request),
      }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/workflow-executions/{id}',
    section: 'workflows',
    summary: 'Get a workflow execution',
    description: 'One execution with its step log (each step it ran, in order, with its outcome).',
    beyondSpec: 'Serebro: one execution of GET /workflow-executions, with its step log',
    ...read,
    request: { params: z.object({ id }), query: z.object(location) },
    operation: graphql(
      `
        query SerebroGetWorkflowExecution($id: ID!) {
          workflowExecution(id: $id) {
            ...ExecutionFields
            steps {
              position
              stepIndex
              stepType
              outcome
              detail
              recordedAt
            }
          }
        }
      `,
      [ExecutionFields],
    ),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The execution',
      schema: z.object({ execution: executionSchema.extend({ steps: z.array(executionStepSchema) }) }),
      body: (data) => ({
        execution: {
          ...executionToRest(data.workflowExecution),
          steps: data.workflowExecution.steps.map((s) => ({
            ...s,
            outcome: s.outcome as 'succeeded' | 'failed' | 'skipped',
            detail: s.detail as Record<string, unknown>,
          })),
        },
      }),
    },
    errors: [403, 404],
  }),

  // ---- HighLevel's contact ↔ workflow paths (v2) -------------------------------------------------
  route.operation({
    method: 'POST',
    path: '/contacts/{contactId}/workflow/{workflowId}',
    section: 'workflows',
    summary: 'Add a contact to a workflow',
    description:
      "HighLevel's Add Contact to Workflow: the contact enters the published version (404 for a draft); `eventStartTime` delays the start.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Add Contact to Workflow (`POST /contacts/{contactId}/workflow/{workflowId}`)",
    ...write,
    request: {
      params: z.object({ contactId: id, workflowId: id }),
      body: z.object({ ...location, eventStartTime: z.string().optional() }),
    },
    operation: graphql(`
      mutation SerebroAddContactToWorkflow($contactId: ID!, $workflowId: ID!, $eventStartTime: String) {
        addContactToWorkflow(
          contactId: $contactId
          workflowId: $workflowId
          eventStartTime: $eventStartTime
        ) {
          executionId
        }
      }
    `),
    variables: ({ params, body }) => ({ ...params, eventStartTime: body.eventStartTime }),
    response: {
      status: 201,
      description: 'Added',
      schema: succeded.extend({ executionId: z.string().describe("Serebro's: the execution started") }),
      body: (data) => ({ succeded: true as const, executionId: data.addContactToWorkflow.executionId }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/contacts/{contactId}/workflow/{workflowId}',
    section: 'workflows',
    summary: 'Remove a contact from a workflow',
    description:
      "HighLevel's Delete Contact from Workflow: the contact's executions there that have not ended are cancelled.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec:
      "HighLevel's Delete Contact from Workflow (`DELETE /contacts/{contactId}/workflow/{workflowId}`)",
    ...write,
    request: { params: z.object({ contactId: id, workflowId: id }), query: z.object(location) },
    operation: graphql(`
      mutation SerebroRemoveContactFromWorkflow($contactId: ID!, $workflowId: ID!) {
        removeContactFromWorkflow(contactId: $contactId, workflowId: $workflowId) {
          succeded
          cancelled
        }
      }
    `),
    variables: ({ params }) => params,
    response: {
      status: 200,
      description: 'Removed',
      schema: succeded.extend({
        cancelled: z.array(z.string()).describe("Serebro's: the executions cancelled"),
      }),
      body: (data) => ({ succeded: true as const, cancelled: data.removeContactFromWorkflow.cancelled }),
    },
    errors: [403, 404],
  }),

  // ---- definitions (Serebro) -----------------------------------------------------------------------
  route.operation({
    method: 'POST',
    path: '/workflows',
    section: 'workflows',
    summary: 'Create a workflow',
    description: 'A draft definition: a trigger (default manual) and ordered steps. Publish it to run it.',
    beyondSpec: 'Serebro: workflow definitions are edited over the API (HighLevel edits them in its UI)',
    ...write,
    request: { body: definitionBody },
    operation: graphql(
      `
        mutation SerebroCreateWorkflow($input: WorkflowInput!) {
          createWorkflow(input: $input) {
            ...WorkflowFields
          }
        }
      `,
      [WorkflowFields],
    ),
    variables: ({ body: { locationId: _locationId, ...input } }) => ({ input }),
    response: {
      status: 201,
      description: 'The workflow (draft)',
      schema: definitionResponse,
      body: (data) => ({ workflow: workflowDefinitionToRest(data.createWorkflow) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/workflows/{id}',
    section: 'workflows',
    summary: 'Get a workflow',
    description: 'The definition: its draft trigger and steps and its published version number.',
    beyondSpec: 'Serebro: one workflow of GET /workflows, with its definition',
    ...read,
    request: { params: z.object({ id }), query: z.object(location) },
    operation: GetWorkflow,
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The workflow',
      schema: definitionResponse,
      body: (data) => ({ workflow: workflowDefinitionToRest(data.workflow) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/workflows/{id}',
    section: 'workflows',
    summary: 'Update a workflow',
    description:
      'Edits the draft (absent fields unchanged); running executions and the published version are unchanged until the next publish.',
    beyondSpec: 'Serebro: workflow definitions are edited over the API (HighLevel edits them in its UI)',
    ...write,
    request: { params: z.object({ id }), body: definitionBody },
    operation: graphql(
      `
        mutation SerebroUpdateWorkflow($id: ID!, $input: WorkflowInput!) {
          updateWorkflow(id: $id, input: $input) {
            ...WorkflowFields
          }
        }
      `,
      [WorkflowFields],
    ),
    variables: ({ params, body: { locationId: _locationId, ...input } }) => ({ id: params.id, input }),
    response: {
      status: 200,
      description: 'The workflow',
      schema: definitionResponse,
      body: (data) => ({ workflow: workflowDefinitionToRest(data.updateWorkflow) }),
    },
    errors: [400, 403, 404],
  }),
  definitionMutation(
    'POST',
    '/workflows/{id}/publish',
    'Publish a workflow',
    'The draft becomes the next version (`version` + 1), which new executions run; running executions keep theirs.',
    'publishWorkflow',
  ),
  definitionMutation(
    'POST',
    '/workflows/{id}/unpublish',
    'Unpublish a workflow',
    'Back to draft: it starts no new execution (execute is 404); running executions go on.',
    'unpublishWorkflow',
  ),
  route.operation({
    method: 'DELETE',
    path: '/workflows/{id}',
    section: 'workflows',
    summary: 'Delete a workflow',
    description: 'The definition goes; its executions stay readable.',
    beyondSpec: 'Serebro: workflow definitions are edited over the API (HighLevel edits them in its UI)',
    ...write,
    request: { params: z.object({ id }), query: z.object(location) },
    operation: graphql(`
      mutation SerebroDeleteWorkflow($id: ID!) {
        deleteWorkflow(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),

  // ---- the inbound webhook trigger ------------------------------------------------------------------
  route.forward({
    method: 'POST',
    path: '/hooks/workflows/{workflowId}/{token}',
    section: 'workflows',
    summary: 'Trigger an inbound-webhook workflow',
    description:
      "The URL of a workflow whose trigger is `inbound_webhook` (its `inboundWebhookUrl`; the token is the credential, as HighLevel's inbound webhook URLs). The JSON body names an existing contact of the location (`contactId`, `email` or `phone`); its flat fields are the trigger's data (`{{trigger.<field>}}`). An `Idempotency-Key` header makes a resend start nothing twice. 404 for a wrong token or a workflow not published on this trigger.",
    beyondSpec: "Serebro: the inbound webhook trigger of a workflow (HighLevel's Inbound Webhook trigger)",
    auth: 'none',
    rateLimit: 'api',
    forward: {
      service: 'crm',
      path: '/internal/automation/inbound/{workflowId}/{token}',
      headers: ['idempotency-key'],
    },
    request: {
      params: z.object({ workflowId: id, token: z.string() }),
      body: z
        .record(z.string(), z.unknown())
        .describe('names the contact (contactId, email or phone); its flat fields are the trigger data'),
    },
    response: {
      status: 202,
      description: 'Accepted: the executions started (none twice for one Idempotency-Key)',
      schema: z.object({ received: z.literal(true), executionIds: z.array(z.string()) }),
    },
    errors: [400, 404],
    bodyLimit: 256 * 1024,
  }),

  // ---- credentials of custom webhook actions (§4.2) ------------------------------------------------
  route.operation({
    method: 'GET',
    path: '/credentials',
    section: 'workflows',
    summary: 'List credentials',
    description: "The location's stored credentials for custom webhook actions, by name; values only masked.",
    beyondSpec: 'Serebro §4.2: "Store and mask secret keys, with user-friendly rotation"',
    ...read,
    request: { query: z.object(location) },
    operation: graphql(
      `
        query SerebroListCredentials {
          credentials {
            ...CredentialFields
          }
        }
      `,
      [CredentialFields],
    ),
    response: {
      status: 200,
      description: 'The credentials',
      schema: z.object({ credentials: z.array(credentialSchema) }),
      body: (data) => ({ credentials: data.credentials.map(credentialToRest) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'POST',
    path: '/credentials',
    section: 'workflows',
    summary: 'Store a credential',
    description:
      'A named credential (unique in the location) with 1-20 secrets, sealed at rest; the answer and every read show them masked.',
    beyondSpec: 'Serebro §4.2: "Store and mask secret keys, with user-friendly rotation"',
    ...write,
    request: {
      body: z.object({
        ...location,
        name: z.string(),
        kind: z.string().optional().describe('api_key, bearer, basic, header or other (default)'),
        values: secrets,
      }),
    },
    operation: graphql(
      `
        mutation SerebroCreateCredential($input: CreateCredentialInput!) {
          createCredential(input: $input) {
            ...CredentialFields
          }
        }
      `,
      [CredentialFields],
    ),
    variables: ({ body }) => ({
      input: {
        name: body.name,
        kind: body.kind,
        values: Object.entries(body.values).map(([key, value]) => ({ key, value })),
      },
    }),
    response: {
      status: 201,
      description: 'The credential, masked',
      schema: z.object({ credential: credentialSchema }),
      body: (data) => ({ credential: credentialToRest(data.createCredential) }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/credentials/{id}',
    section: 'workflows',
    summary: 'Get a credential',
    beyondSpec: 'Serebro §4.2: "Store and mask secret keys, with user-friendly rotation"',
    ...read,
    request: { params: z.object({ id }), query: z.object(location) },
    operation: graphql(
      `
        query SerebroGetCredential($id: ID!) {
          credential(id: $id) {
            ...CredentialFields
          }
        }
      `,
      [CredentialFields],
    ),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The credential, masked',
      schema: z.object({ credential: credentialSchema }),
      body: (data) => ({ credential: credentialToRest(data.credential) }),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'POST',
    path: '/credentials/{id}/rotate',
    section: 'workflows',
    summary: 'Rotate a credential',
    description:
      'New values for the keys given (others kept); `version` + 1. The previous version stays usable until the next rotation.',
    beyondSpec: 'Serebro §4.2: "Store and mask secret keys, with user-friendly rotation"',
    ...write,
    request: { params: z.object({ id }), body: z.object({ ...location, values: secrets }) },
    operation: graphql(
      `
        mutation SerebroRotateCredential($id: ID!, $values: [CredentialSecretInput!]!) {
          rotateCredential(id: $id, values: $values) {
            ...CredentialFields
          }
        }
      `,
      [CredentialFields],
    ),
    variables: ({ params, body }) => ({
      id: params.id,
      values: Object.entries(body.values).map(([key, value]) => ({ key, value })),
    }),
    response: {
      status: 200,
      description: 'The credential, masked',
      schema: z.object({ credential: credentialSchema }),
      body: (data) => ({ credential: credentialToRest(data.rotateCredential) }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/credentials/{id}',
    section: 'workflows',
    summary: 'Delete a credential',
    beyondSpec: 'Serebro §4.2: "Store and mask secret keys, with user-friendly rotation"',
    ...write,
    request: { params: z.object({ id }), query: z.object(location) },
    operation: graphql(`
      mutation SerebroDeleteCredential($id: ID!) {
        deleteCredential(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'Deleted',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [403, 404],
  }),
];
