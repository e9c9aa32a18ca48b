import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Crm } from '../application.js';
import type { CrmLoaders } from '../loaders.js';
import { callerActsIn } from '../locations.js';
import { emptyPage, type CursorInput } from '../pagination.js';
import { getPipeline, listPipelines } from '../pipelines/service.js';
import type { OpportunityFilter, OpportunityView } from './queries.js';
import {
  createOpportunity,
  deleteOpportunity,
  getOpportunity,
  listOpportunities,
  updateOpportunity,
  updateOpportunityStatus,
  type CreateOpportunityInput,
  type UpdateOpportunityInput,
} from './service.js';

export function opportunitiesResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      opportunities: resolver(crm, (c, request, args: CursorInput & { filter?: OpportunityFilter | null }) =>
        listOpportunities(c, request, args.filter ?? {}, args),
      ),
      opportunity: resolver(crm, (c, request, args: { id: string }) => getOpportunity(c, request, args.id)),
    },
    Mutation: {
      createOpportunity: resolver(crm, (c, request, args: { input: CreateOpportunityInput }) =>
        createOpportunity(c, request, args.input),
      ),
      updateOpportunity: resolver(crm, (c, request, args: { id: string; input: UpdateOpportunityInput }) =>
        updateOpportunity(c, request, args.id, args.input),
      ),
      updateOpportunityStatus: resolver(crm, (c, request, args: { id: string; status: string }) =>
        updateOpportunityStatus(c, request, args.id, args.status),
      ),
      deleteOpportunity: resolver(crm, (c, request, args: { id: string }) =>
        deleteOpportunity(c, request, args.id),
      ),
    },
    Organization: {
      // Only the location the caller acts in: another organization's records are not the caller's.
      pipelines: resolver(crm, (c, request, _args: unknown, organization: { id: string }) =>
        callerActsIn(request, organization.id) ? listPipelines(c, request) : [],
      ),
      opportunities: resolver(
        crm,
        (
          c,
          request,
          args: CursorInput & { filter?: OpportunityFilter | null },
          organization: { id: string },
        ) =>
          callerActsIn(request, organization.id)
            ? listOpportunities(c, request, args.filter ?? {}, args)
            : emptyPage(),
      ),
    },
    Opportunity: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getOpportunity(crm, requestInfoOf(context), ref.id),
      // through the request's loader: a page of opportunities reads its contacts with one query
      contact: (opportunity: OpportunityView, _args: unknown, context: RequestContext<CrmLoaders>) =>
        context.loaders.contacts.load({
          locationId: opportunity.locationId,
          contactId: opportunity.contactId,
        }),
      pipeline: resolver(crm, (c, request, _args: unknown, opportunity: OpportunityView) =>
        getPipeline(c, request, opportunity.pipelineId),
      ),
    },
  };
}
