import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route, succeded } from './route.js';
import { metaSchema, metaToRest } from './shapes/meta.js';
import { OpportunityFields, opportunitySchema, opportunityToRest } from './shapes/opportunity.js';
import { PipelineFields, pipelineSchema, pipelineToRest } from './shapes/pipeline.js';

// Serebro §3.2 Opportunities (Deals), on v1 and v2 at the spec's paths, and HighLevel's v2 paths for
// the same operations (a HighLevel client changes only its base URL). Bodies are HighLevel's
// (`{opportunity}`, `{opportunities, meta}`, `{succeded: true}` — its spelling). The location is the
// credential's, or the `locationId` (HighLevel's search: `location_id`) an agency credential names.
// Rules (stages of the pipeline, statuses, value range, the contact being the location's) are the
// crm service's: every bad field is listed in one 400.

const id = z.string().min(1);
const text = z.string();
const ms = z.coerce.number().describe('epoch milliseconds');
const count = z.coerce.number().int();

const listQuery = {
  locationId: id.optional().describe('required with an agency credential'),
  pipelineId: id.optional(),
  pipelineStageId: id.optional(),
  contactId: id.optional(),
  status: text.optional().describe('open, won, lost, abandoned or all'),
  assignedTo: id.optional(),
  q: text.optional().describe('a part of the name, any case'),
  limit: count.optional().describe('1-100, default 20'),
  startAfter: ms.optional().describe("the next page's cursor (meta.startAfter)"),
  startAfterId: id.optional().describe("the next page's cursor (meta.startAfterId)"),
  page: count.optional(),
};

const ListOpportunities = graphql(
  `
    query SerebroListOpportunities(
      $filter: OpportunityFilter
      $limit: Int
      $startAfter: Float
      $startAfterId: ID
      $page: Int
    ) {
      opportunities(
        filter: $filter
        limit: $limit
        startAfter: $startAfter
        startAfterId: $startAfterId
        page: $page
      ) {
        items {
          ...OpportunityFields
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
  [OpportunityFields],
);

const listResponse = z.object({ opportunities: z.array(opportunitySchema), meta: metaSchema });

const CreateOpportunity = graphql(
  `
    mutation SerebroCreateOpportunity($input: CreateOpportunityInput!) {
      createOpportunity(input: $input) {
        ...OpportunityFields
      }
    }
  `,
  [OpportunityFields],
);

const UpdateOpportunity = graphql(
  `
    mutation SerebroUpdateOpportunity($id: ID!, $input: UpdateOpportunityInput!) {
      updateOpportunity(id: $id, input: $input) {
        ...OpportunityFields
      }
    }
  `,
  [OpportunityFields],
);

const GetOpportunity = graphql(
  `
    query SerebroGetOpportunity($id: ID!) {
      opportunity(id: $id) {
        ...OpportunityFields
      }
    }
  `,
  [OpportunityFields],
);

const opportunityResponse = z.object({ opportunity: opportunitySchema });

const createBody = z.object({
  locationId: id.optional().describe('required with an agency credential'),
  name: text,
  contactId: id,
  pipelineId: id.optional().describe("default: the location's default pipeline"),
  pipelineStageId: id.optional().describe("default: the pipeline's first stage"),
  status: text.optional().describe('open (default), won, lost or abandoned'),
  monetaryValue: z.number().nullable().optional(),
  assignedTo: id.nullable().optional(),
  source: text.nullable().optional(),
});

const updateBody = z.object({
  locationId: id.optional(),
  name: text.optional(),
  pipelineId: id.optional(),
  pipelineStageId: id.optional(),
  status: text.optional(),
  monetaryValue: z.number().nullable().optional(),
  assignedTo: id.nullable().optional(),
  source: text.nullable().optional(),
  contactId: id.optional(),
});

type UpdateBody = z.output<typeof updateBody>;

/** The body's fields as the update input (locationId is the edge's; absent stays absent, null clears). */
const updateInputOf = ({ locationId: _locationId, ...fields }: UpdateBody) => fields;

const shared = { auth: 'required', rateLimit: 'api' } as const;
const read = { ...shared, scope: 'opportunities:read' } as const;
const write = { ...shared, scope: 'opportunities:write' } as const;

function createRow(path: '/opportunities' | '/opportunities/', highLevel: boolean) {
  return route.operation({
    method: 'POST',
    path,
    section: 'opportunities',
    summary: 'Create an opportunity',
    description:
      "A deal for a contact of the location, in a stage of one of its pipelines (default: the location's default pipeline, its first stage); status `open` unless given.",
    ...(highLevel
      ? { versions: ['v2'], highLevel, beyondSpec: "HighLevel's Create Opportunity (`POST /opportunities/`)" }
      : {}),
    ...write,
    request: { body: createBody },
    operation: CreateOpportunity,
    variables: ({ body: { locationId: _locationId, ...input } }) => ({ input }),
    response: {
      status: 201,
      description: 'The opportunity',
      schema: opportunityResponse,
      body: (data) => ({ opportunity: opportunityToRest(data.createOpportunity) }),
    },
    errors: [400, 403],
  });
}

function updateRow(method: 'PATCH' | 'PUT', highLevel: boolean) {
  return route.operation({
    method,
    path: '/opportunities/{id}',
    section: 'opportunities',
    summary: 'Update an opportunity',
    description:
      'Advance the stage (`pipelineStageId`, or `pipelineId` for another pipeline: its first stage unless named), update the value, or close won/lost (`status`). Absent fields are unchanged; null clears `monetaryValue`, `assignedTo` and `source`.',
    ...(highLevel
      ? {
          versions: ['v2'],
          highLevel,
          beyondSpec: "HighLevel's Update Opportunity (`PUT /opportunities/{id}`)",
        }
      : {}),
    ...write,
    request: { params: z.object({ id }), body: updateBody },
    operation: UpdateOpportunity,
    variables: ({ params, body }) => ({ id: params.id, input: updateInputOf(body) }),
    response: {
      status: 200,
      description: 'The opportunity as it is now',
      schema: opportunityResponse,
      body: (data) => ({ opportunity: opportunityToRest(data.updateOpportunity) }),
    },
    errors: [400, 403, 404],
  });
}

export const opportunitiesRoutes = [
  route.operation({
    method: 'GET',
    path: '/opportunities',
    section: 'opportunities',
    summary: 'List opportunities',
    description:
      "The location's opportunities (deals), newest first, filtered by pipeline, stage, contact, status, assignee or a part of the name; HighLevel's cursor pagination (`limit` ≤ 100, `startAfterId` + `startAfter` from `meta`).",
    ...read,
    request: { query: z.object(listQuery) },
    operation: ListOpportunities,
    variables: ({ query }) => ({
      filter: {
        pipelineId: query.pipelineId,
        pipelineStageId: query.pipelineStageId,
        contactId: query.contactId,
        status: query.status,
        assignedTo: query.assignedTo,
        query: query.q,
      },
      limit: query.limit,
      startAfter: query.startAfter,
      startAfterId: query.startAfterId,
      page: query.page,
    }),
    response: {
      status: 200,
      description: 'A page of opportunities',
      schema: listResponse,
      body: (data, request) => ({
        opportunities: data.opportunities.items.map(opportunityToRest),
        meta: metaToRest(data.opportunities.meta, request),
      }),
    },
    errors: [400, 403],
  }),
  createRow('/opportunities', false),
  updateRow('PATCH', false),

  // ---- HighLevel's paths (v2) ------------------------------------------------------------------
  route.operation({
    method: 'GET',
    path: '/opportunities/search',
    section: 'opportunities',
    summary: 'Search opportunities',
    description:
      "HighLevel's Search Opportunity: the same list, with HighLevel's query names (snake_case `location_id`, `pipeline_id`, `pipeline_stage_id`, `contact_id`, `assigned_to`, as its documentation writes them, or the camelCase its SDK sends).",
    versions: ['v2'],
    highLevel: true,
    beyondSpec:
      "HighLevel's Search Opportunity (`GET /opportunities/search`), the v2 path of GET /opportunities",
    ...read,
    request: {
      query: z.object({
        ...listQuery,
        location_id: id.optional(),
        pipeline_id: id.optional(),
        pipeline_stage_id: id.optional(),
        contact_id: id.optional(),
        assigned_to: id.optional(),
      }),
    },
    operation: ListOpportunities,
    variables: ({ query }) => ({
      filter: {
        pipelineId: query.pipeline_id ?? query.pipelineId,
        pipelineStageId: query.pipeline_stage_id ?? query.pipelineStageId,
        contactId: query.contact_id ?? query.contactId,
        status: query.status,
        assignedTo: query.assigned_to ?? query.assignedTo,
        query: query.q,
      },
      limit: query.limit,
      startAfter: query.startAfter,
      startAfterId: query.startAfterId,
      page: query.page,
    }),
    response: {
      status: 200,
      description: 'A page of opportunities',
      schema: listResponse,
      body: (data, request) => ({
        opportunities: data.opportunities.items.map(opportunityToRest),
        meta: metaToRest(data.opportunities.meta, request),
      }),
    },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/opportunities/pipelines',
    section: 'opportunities',
    summary: 'List pipelines',
    description:
      "The location's pipelines with their stages in order, the default one (created with the location) first.",
    versions: ['v2'],
    highLevel: true,
    beyondSpec:
      "HighLevel's Get Pipelines (`GET /opportunities/pipelines`): the stages opportunities move through",
    ...read,
    request: { query: z.object({ locationId: id.optional() }) },
    operation: graphql(
      `
        query SerebroListPipelines {
          pipelines {
            ...PipelineFields
          }
        }
      `,
      [PipelineFields],
    ),
    response: {
      status: 200,
      description: 'The pipelines',
      schema: z.object({ pipelines: z.array(pipelineSchema) }),
      body: (data) => ({ pipelines: data.pipelines.map(pipelineToRest) }),
    },
    errors: [400, 403],
  }),
  createRow('/opportunities/', true),
  route.operation({
    method: 'GET',
    path: '/opportunities/{id}',
    section: 'opportunities',
    summary: 'Get an opportunity',
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Get Opportunity (`GET /opportunities/{id}`)",
    ...read,
    request: { params: z.object({ id }) },
    operation: GetOpportunity,
    variables: ({ params }) => ({ id: params.id }),
    response: {
      status: 200,
      description: 'The opportunity',
      schema: opportunityResponse,
      body: (data) => ({ opportunity: opportunityToRest(data.opportunity) }),
    },
    errors: [403, 404],
  }),
  updateRow('PUT', true),
  route.operation({
    method: 'PUT',
    path: '/opportunities/{id}/status',
    section: 'opportunities',
    summary: "Update an opportunity's status",
    description: 'Won, lost, abandoned or open again.',
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Update Opportunity Status (`PUT /opportunities/{id}/status`): close won/lost",
    ...write,
    request: { params: z.object({ id }), body: z.object({ status: text, lostReasonId: id.optional() }) },
    operation: graphql(`
      mutation SerebroUpdateOpportunityStatus($id: ID!, $status: String!) {
        updateOpportunityStatus(id: $id, status: $status) {
          id
        }
      }
    `),
    variables: ({ params, body }) => ({ id: params.id, status: body.status }),
    response: {
      status: 200,
      description: 'Done',
      schema: succeded,
      body: () => ({ succeded: true as const }),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/opportunities/{id}',
    section: 'opportunities',
    summary: 'Delete an opportunity',
    versions: ['v2'],
    highLevel: true,
    beyondSpec: "HighLevel's Delete Opportunity (`DELETE /opportunities/{id}`)",
    ...write,
    request: { params: z.object({ id }) },
    operation: graphql(`
      mutation SerebroDeleteOpportunity($id: ID!) {
        deleteOpportunity(id: $id)
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
