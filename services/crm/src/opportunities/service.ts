import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { Crm } from '../application.js';
import { checkContact } from '../contact-refs.js';
import { locationOf } from '../locations.js';
import { cursorPageOf, invalidFields, type CursorInput, type FieldProblem } from '../pagination.js';
import { findPipeline } from '../pipelines/queries.js';
import type { PipelineView } from '../pipelines/queries.js';
import { pipelineForOpportunity } from '../pipelines/service.js';
import { opportunityDecider, type OpportunityCommand, type PipelineRef } from './decide.js';
import { opportunityStream } from './opportunity.js';
import {
  findOpportunity,
  listOpportunities as readOpportunities,
  type OpportunityFilter,
  type OpportunityView,
} from './queries.js';

const refOf = (pipeline: PipelineView | undefined): PipelineRef | undefined =>
  pipeline && { id: pipeline.id, stageIds: pipeline.stages.map((stage) => stage.id) };

async function handleOpportunity(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
  command: OpportunityCommand,
) {
  return handle(
    crm,
    undefined,
    opportunityStream(opportunityId),
    opportunityDecider,
    command,
    eventMetadataOf(request),
  );
}

async function found(crm: Crm, locationId: string, opportunityId: string): Promise<OpportunityView> {
  const opportunity = await findOpportunity(crm, locationId, opportunityId);
  if (!opportunity) throw notFound('opportunity');
  return opportunity;
}

/** A contact that is not the location's is reported with the command's own problems, all at once. */
async function contactProblems(crm: Crm, locationId: string, contactId: string | null | undefined) {
  const problems: FieldProblem[] = [];
  await checkContact(crm, locationId, contactId, 'contactId', problems);
  return problems;
}

export interface CreateOpportunityInput {
  name: string;
  contactId: string;
  pipelineId?: string | null;
  pipelineStageId?: string | null;
  status?: string | null;
  monetaryValue?: number | null;
  assignedTo?: string | null;
  source?: string | null;
}

/**
 * Opens an opportunity in the caller's location, for one of its contacts, in the pipeline named
 * (else the location's default) at the stage named (else the pipeline's first); status `open`
 * unless given.
 */
export async function createOpportunity(
  crm: Crm,
  request: RequestOrigin,
  input: CreateOpportunityInput,
): Promise<OpportunityView> {
  const locationId = locationOf(request);
  const [pipeline, problems] = await Promise.all([
    pipelineForOpportunity(crm, request, locationId, input.pipelineId),
    contactProblems(crm, locationId, input.contactId),
  ]);
  const opportunityId = randomUUID();
  const command: OpportunityCommand = {
    type: 'CreateOpportunity',
    opportunityId,
    locationId,
    name: input.name,
    pipeline: refOf(pipeline),
    pipelineStageId: input.pipelineStageId,
    status: input.status,
    monetaryValue: input.monetaryValue,
    contactId: input.contactId,
    assignedTo: input.assignedTo,
    source: input.source,
    now: crm.now().toISOString(),
  };
  await decideWithProblems(crm, request, opportunityId, command, problems);
  return found(crm, locationId, opportunityId);
}

/** The decision's own problems and the contact's are answered together (every bad field listed). */
async function decideWithProblems(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
  command: OpportunityCommand,
  problems: FieldProblem[],
) {
  try {
    await handleOpportunity(crm, request, opportunityId, command);
  } catch (error) {
    const fields = (error as { details?: { fields?: FieldProblem[] } }).details?.fields;
    if (problems.length > 0 && fields) throw invalidFields([...fields, ...problems]);
    throw error;
  }
  if (problems.length > 0) throw invalidFields(problems);
}

export interface UpdateOpportunityInput {
  name?: string | null;
  pipelineId?: string | null;
  pipelineStageId?: string | null;
  status?: string | null;
  monetaryValue?: number | null;
  assignedTo?: string | null;
  source?: string | null;
  contactId?: string | null;
}

/**
 * Changes an opportunity (the spec's PATCH: advance stage, update value, close won/lost; HighLevel's
 * PUT): absent fields stay, null clears the value, assignee and source. Each kind of change is its
 * own event (OpportunityUpdated, OpportunityStageChanged, OpportunityStatusChanged).
 */
export async function updateOpportunity(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
  input: UpdateOpportunityInput,
): Promise<OpportunityView> {
  const locationId = locationOf(request);
  const current = await found(crm, locationId, opportunityId);
  const moving = input.pipelineId != null || input.pipelineStageId != null;
  const [pipeline, problems] = await Promise.all([
    moving ? findPipeline(crm, locationId, input.pipelineId ?? current.pipelineId) : undefined,
    contactProblems(crm, locationId, input.contactId),
  ]);
  const command: OpportunityCommand = {
    type: 'UpdateOpportunity',
    locationId,
    name: input.name,
    ...(moving ? { pipeline: refOf(pipeline), pipelineStageId: input.pipelineStageId } : {}),
    status: input.status,
    monetaryValue: input.monetaryValue,
    assignedTo: input.assignedTo,
    source: input.source,
    contactId: input.contactId,
    now: crm.now().toISOString(),
  };
  await decideWithProblems(crm, request, opportunityId, command, problems);
  return found(crm, locationId, opportunityId);
}

/** HighLevel's PUT /opportunities/{id}/status: won, lost, abandoned or open again. */
export function updateOpportunityStatus(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
  status: string,
) {
  return updateOpportunity(crm, request, opportunityId, { status });
}

export async function deleteOpportunity(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
): Promise<boolean> {
  const locationId = locationOf(request);
  await found(crm, locationId, opportunityId);
  await handleOpportunity(crm, request, opportunityId, {
    type: 'DeleteOpportunity',
    locationId,
    now: crm.now().toISOString(),
  });
  return true;
}

export function getOpportunity(
  crm: Crm,
  request: RequestOrigin,
  opportunityId: string,
): Promise<OpportunityView> {
  return found(crm, locationOf(request), opportunityId);
}

const statuses = ['open', 'won', 'lost', 'abandoned', 'all'];

/** A page of the caller's location's opportunities, newest first (HighLevel's search: filters and cursor). */
export function listOpportunities(
  crm: Crm,
  request: RequestOrigin,
  filter: OpportunityFilter,
  page: CursorInput,
) {
  const locationId = locationOf(request);
  const cursor = cursorPageOf(page);
  if (filter.status && !statuses.includes(filter.status))
    throw invalidFields([{ field: 'status', message: `must be one of ${statuses.join(', ')}` }]);
  return readOpportunities(crm, locationId, filter, cursor);
}
