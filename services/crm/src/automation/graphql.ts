import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { WorkflowInput } from './decide.js';
import { inboundWebhookUrl } from './inbound.js';
import type { WorkflowView } from './queries.js';
import {
  createWorkflow,
  deleteWorkflow,
  executeWorkflow,
  getExecution,
  getWorkflow,
  listExecutions,
  listWorkflows,
  publishWorkflow,
  removeContactFromWorkflow,
  unpublishWorkflow,
  updateWorkflow,
} from './service.js';

interface ExecutionListArgs {
  workflowId?: string | null;
  contactId?: string | null;
  status?: string | null;
  startDate?: string | null;
  endDate?: string | null;
  limit?: number | null;
  startAfter?: number | null;
  startAfterId?: string | null;
  page?: number | null;
}

export function automationResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      workflows: resolver(crm, (c, request) => listWorkflows(c, request)),
      workflow: resolver(crm, (c, request, args: { id: string }) => getWorkflow(c, request, args.id)),
      workflowExecutions: resolver(crm, async (c, request, args: ExecutionListArgs) => {
        const { items, meta } = await listExecutions(
          c,
          request,
          {
            workflowId: args.workflowId,
            contactId: args.contactId,
            status: args.status,
            startedFrom: args.startDate,
            startedTo: args.endDate,
          },
          {
            limit: args.limit,
            startAfter: args.startAfter,
            startAfterId: args.startAfterId,
            page: args.page,
          },
        );
        return { executions: items, meta };
      }),
      workflowExecution: resolver(crm, (c, request, args: { id: string }) =>
        getExecution(c, request, args.id),
      ),
    },
    Mutation: {
      createWorkflow: resolver(crm, (c, request, args: { input: WorkflowInput }) =>
        createWorkflow(c, request, args.input),
      ),
      updateWorkflow: resolver(crm, (c, request, args: { id: string; input: WorkflowInput }) =>
        updateWorkflow(c, request, args.id, args.input),
      ),
      publishWorkflow: resolver(crm, (c, request, args: { id: string }) =>
        publishWorkflow(c, request, args.id),
      ),
      unpublishWorkflow: resolver(crm, (c, request, args: { id: string }) =>
        unpublishWorkflow(c, request, args.id),
      ),
      deleteWorkflow: resolver(crm, (c, request, args: { id: string }) =>
        deleteWorkflow(c, request, args.id),
      ),
      executeWorkflow: resolver(
        crm,
        (
          c,
          request,
          args: {
            id: string;
            contactId: string;
            eventStartTime?: string | null;
            idempotencyKey?: string | null;
          },
        ) => executeWorkflow(c, request, args.id, args),
      ),
      addContactToWorkflow: resolver(
        crm,
        (c, request, args: { contactId: string; workflowId: string; eventStartTime?: string | null }) =>
          executeWorkflow(c, request, args.workflowId, args),
      ),
      removeContactFromWorkflow: resolver(
        crm,
        async (c, request, args: { contactId: string; workflowId: string }) => ({
          succeded: true,
          ...(await removeContactFromWorkflow(c, request, args.contactId, args.workflowId)),
        }),
      ),
    },
    Workflow: {
      inboundWebhookUrl: (workflow: WorkflowView) => inboundWebhookUrl(crm, workflow),
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getWorkflow(crm, requestInfoOf(context), ref.id),
    },
    WorkflowExecution: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getExecution(crm, requestInfoOf(context), ref.id),
    },
  };
}
