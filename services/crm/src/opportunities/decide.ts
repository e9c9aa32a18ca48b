import { opportunityStatuses } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolveOpportunity,
  initialOpportunityState,
  type Opportunity,
  type OpportunityEvent,
  type OpportunityState,
  type OpportunityStatus,
} from './opportunity.js';

/** A pipeline as a decision needs it: its id and its stages' ids in order. */
export interface PipelineRef {
  id: string;
  stageIds: string[];
}

export type OpportunityCommand =
  | {
      type: 'CreateOpportunity';
      opportunityId: string;
      locationId: string;
      name: string;
      /** the pipeline named, or the location's default; undefined when the id named none */
      pipeline: PipelineRef | undefined;
      pipelineStageId?: string | null;
      status?: string | null;
      monetaryValue?: number | null;
      contactId: string;
      assignedTo?: string | null;
      source?: string | null;
      now: string;
    }
  | {
      type: 'UpdateOpportunity';
      locationId: string;
      name?: string | null;
      /** the pipeline to move to (given with pipelineId or pipelineStageId); undefined when unknown */
      pipeline?: PipelineRef | undefined;
      pipelineStageId?: string | null;
      status?: string | null;
      monetaryValue?: number | null;
      assignedTo?: string | null;
      source?: string | null;
      contactId?: string | null;
      now: string;
    }
  | { type: 'DeleteOpportunity'; locationId: string; now: string };

export type OpportunityReason = 'OPPORTUNITY_EXISTS';
const errors = domainErrorsOf<OpportunityReason>();

export const MAX_OPPORTUNITY_NAME = 500;
export const MAX_SOURCE = 500;
/** the largest monetary value accepted (numeric(…) of the read model holds it exactly to the cent) */
export const MAX_MONETARY_VALUE = 1e12;

function checkName(raw: string, problems: FieldProblem[]): string {
  const name = raw.trim();
  if (name === '' || name.length > MAX_OPPORTUNITY_NAME)
    problems.push({ field: 'name', message: `must be 1-${MAX_OPPORTUNITY_NAME} characters` });
  return name;
}

function checkStatus(raw: string, problems: FieldProblem[]): OpportunityStatus {
  if (!(opportunityStatuses as readonly string[]).includes(raw))
    problems.push({ field: 'status', message: `must be one of ${opportunityStatuses.join(', ')}` });
  return raw as OpportunityStatus;
}

function checkValue(value: number | null, problems: FieldProblem[]): number | null {
  if (value !== null && (!Number.isFinite(value) || value < 0 || value > MAX_MONETARY_VALUE))
    problems.push({ field: 'monetaryValue', message: `must be a number from 0 to ${MAX_MONETARY_VALUE}` });
  return value === null ? null : Math.round(value * 100) / 100;
}

function checkText(raw: string | null, field: string, max: number, problems: FieldProblem[]): string | null {
  if (raw === null) return null;
  const text = raw.trim();
  if (text.length > max) problems.push({ field, message: `must be at most ${max} characters` });
  return text === '' ? null : text;
}

/** The stage to land in: the one named (it must be the pipeline's), else the pipeline's first. */
function checkStage(
  pipeline: PipelineRef,
  stageId: string | null | undefined,
  problems: FieldProblem[],
): string {
  if (stageId) {
    if (!pipeline.stageIds.includes(stageId))
      problems.push({ field: 'pipelineStageId', message: 'is not a stage of the pipeline' });
    return stageId;
  }
  return pipeline.stageIds[0]!;
}

/** Another location's opportunity answers exactly like a missing one: 404. */
function live(state: OpportunityState, locationId: string): Opportunity {
  if (state.status !== 'active' || state.deal.locationId !== locationId) throw errors.notFound('opportunity');
  return state.deal;
}

export function decideOpportunity(command: OpportunityCommand, state: OpportunityState): OpportunityEvent[] {
  switch (command.type) {
    case 'CreateOpportunity': {
      if (state.status !== 'none')
        throw errors.conflict('opportunity already exists', { reason: 'OPPORTUNITY_EXISTS' });
      const problems: FieldProblem[] = [];
      const name = checkName(command.name, problems);
      const status = checkStatus(command.status ?? 'open', problems);
      const monetaryValue = checkValue(command.monetaryValue ?? null, problems);
      const source = checkText(command.source ?? null, 'source', MAX_SOURCE, problems);
      const assignedTo = checkText(command.assignedTo ?? null, 'assignedTo', 100, problems);
      let stageId = '';
      if (!command.pipeline)
        problems.push({ field: 'pipelineId', message: 'is not a pipeline of this location' });
      else stageId = checkStage(command.pipeline, command.pipelineStageId, problems);
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'OpportunityCreated',
          data: {
            opportunityId: command.opportunityId,
            locationId: command.locationId,
            name,
            pipelineId: command.pipeline!.id,
            pipelineStageId: stageId,
            status,
            monetaryValue,
            contactId: command.contactId,
            assignedTo,
            source,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateOpportunity': {
      const deal = live(state, command.locationId);
      const problems: FieldProblem[] = [];
      const base = { opportunityId: deal.opportunityId, locationId: deal.locationId };
      const updated: Extract<OpportunityEvent, { type: 'OpportunityUpdated' }>['data'] = {
        ...base,
        updatedAt: command.now,
      };
      if (command.name != null) {
        const name = checkName(command.name, problems);
        if (name !== deal.name) updated.name = name;
      }
      if (command.monetaryValue !== undefined) {
        const value = checkValue(command.monetaryValue, problems);
        if (value !== deal.monetaryValue) updated.monetaryValue = value;
      }
      if (command.assignedTo !== undefined) {
        const assignedTo = checkText(command.assignedTo, 'assignedTo', 100, problems);
        if (assignedTo !== deal.assignedTo) updated.assignedTo = assignedTo;
      }
      if (command.source !== undefined) {
        const source = checkText(command.source, 'source', MAX_SOURCE, problems);
        if (source !== deal.source) updated.source = source;
      }
      if (command.contactId != null && command.contactId !== deal.contactId)
        updated.contactId = command.contactId;
      let stage: { pipelineId: string; pipelineStageId: string } | undefined;
      if ('pipeline' in command && (command.pipeline !== undefined || command.pipelineStageId)) {
        if (!command.pipeline)
          problems.push({ field: 'pipelineId', message: 'is not a pipeline of this location' });
        else {
          // a stage named is checked against the pipeline; another pipeline without a stage starts at its first
          const stageId =
            command.pipelineStageId || command.pipeline.id !== deal.pipelineId
              ? checkStage(command.pipeline, command.pipelineStageId, problems)
              : deal.pipelineStageId;
          if (command.pipeline.id !== deal.pipelineId || stageId !== deal.pipelineStageId)
            stage = { pipelineId: command.pipeline.id, pipelineStageId: stageId };
        }
      }
      let status: OpportunityStatus | undefined;
      if (command.status != null) {
        const next = checkStatus(command.status, problems);
        if (next !== deal.status) status = next;
      }
      if (problems.length > 0) throw invalidFields(problems);
      const events: OpportunityEvent[] = [];
      if (Object.keys(updated).length > 3) events.push({ type: 'OpportunityUpdated', data: updated });
      if (stage)
        events.push({
          type: 'OpportunityStageChanged',
          data: {
            ...base,
            previousPipelineId: deal.pipelineId,
            previousStageId: deal.pipelineStageId,
            ...stage,
            changedAt: command.now,
          },
        });
      if (status)
        events.push({
          type: 'OpportunityStatusChanged',
          data: { ...base, previousStatus: deal.status, status, changedAt: command.now },
        });
      return events;
    }
    case 'DeleteOpportunity': {
      const deal = live(state, command.locationId);
      return [
        {
          type: 'OpportunityDeleted',
          data: { opportunityId: deal.opportunityId, locationId: deal.locationId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const opportunityDecider = {
  streamType: 'opportunity',
  initialState: initialOpportunityState,
  evolve: evolveOpportunity,
  decide: decideOpportunity,
};
