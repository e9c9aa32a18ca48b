import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import { parseSteps, parseTrigger } from './steps.js';
import { evolveWorkflow, initialWorkflowState, type WorkflowEvent, type WorkflowState } from './workflow.js';

export interface WorkflowInput {
  name?: string | null;
  trigger?: unknown;
  steps?: unknown;
}

export type WorkflowCommand =
  | { type: 'CreateWorkflow'; workflowId: string; locationId: string; input: WorkflowInput; now: string }
  | { type: 'UpdateWorkflow'; input: WorkflowInput; now: string }
  | { type: 'PublishWorkflow'; now: string }
  | { type: 'UnpublishWorkflow'; now: string }
  | { type: 'DeleteWorkflow'; now: string };

export type WorkflowReason = 'WORKFLOW_EXISTS' | 'WORKFLOW_NOT_PUBLISHED';
export const workflowErrors = domainErrorsOf<WorkflowReason>();

function nameOf(raw: string | null | undefined, problems: FieldProblem[]): string {
  const name = (raw ?? '').trim();
  if (name === '' || name.length > 200) problems.push({ field: 'name', message: 'must be 1-200 characters' });
  return name;
}

/** The trigger and steps as stored (defaults filled in), or a 400 listing every problem. */
function definitionOf(input: WorkflowInput, problems: FieldProblem[]) {
  const trigger = input.trigger === undefined ? undefined : parseTrigger(input.trigger);
  const steps = input.steps === undefined ? undefined : parseSteps(input.steps);
  problems.push(...(trigger?.problems ?? []), ...(steps?.problems ?? []));
  return {
    trigger: trigger?.trigger as Record<string, unknown> | undefined,
    steps: steps?.steps as Record<string, unknown>[] | undefined,
  };
}

export function decideWorkflow(command: WorkflowCommand, state: WorkflowState): WorkflowEvent[] {
  switch (command.type) {
    case 'CreateWorkflow': {
      if (state.status !== 'none')
        throw workflowErrors.conflict('workflow already exists', { reason: 'WORKFLOW_EXISTS' });
      const problems: FieldProblem[] = [];
      const name = nameOf(command.input.name, problems);
      const { trigger, steps } = definitionOf(
        { trigger: command.input.trigger ?? { type: 'manual' }, steps: command.input.steps ?? [] },
        problems,
      );
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'WorkflowCreated',
          data: {
            workflowId: command.workflowId,
            locationId: command.locationId,
            name,
            trigger: trigger!,
            steps: steps!,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'UpdateWorkflow': {
      const workflow = live(state);
      const problems: FieldProblem[] = [];
      const name = command.input.name === undefined ? undefined : nameOf(command.input.name, problems);
      const { trigger, steps } = definitionOf(command.input, problems);
      if (problems.length > 0) throw invalidFields(problems);
      const data: Extract<WorkflowEvent, { type: 'WorkflowUpdated' }>['data'] = {
        workflowId: workflow.workflowId,
        locationId: workflow.locationId,
        updatedAt: command.now,
      };
      if (name !== undefined && name !== workflow.name) data.name = name;
      if (trigger && JSON.stringify(trigger) !== JSON.stringify(workflow.trigger)) data.trigger = trigger;
      if (steps && JSON.stringify(steps) !== JSON.stringify(workflow.steps)) data.steps = steps;
      if (Object.keys(data).length === 3) return [];
      return [{ type: 'WorkflowUpdated', data }];
    }
    case 'PublishWorkflow': {
      const workflow = live(state);
      if (workflow.status === 'published' && !workflow.changed) return [];
      return [
        {
          type: 'WorkflowPublished',
          data: {
            workflowId: workflow.workflowId,
            locationId: workflow.locationId,
            version: workflow.version + 1,
            name: workflow.name,
            trigger: workflow.trigger,
            steps: workflow.steps,
            publishedAt: command.now,
          },
        },
      ];
    }
    case 'UnpublishWorkflow': {
      const workflow = live(state);
      if (workflow.status === 'draft') return [];
      return [
        {
          type: 'WorkflowUnpublished',
          data: {
            workflowId: workflow.workflowId,
            locationId: workflow.locationId,
            unpublishedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteWorkflow': {
      const workflow = live(state);
      return [
        {
          type: 'WorkflowDeleted',
          data: { workflowId: workflow.workflowId, locationId: workflow.locationId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

function live(state: WorkflowState) {
  if (state.status === 'none' || state.status === 'deleted') throw workflowErrors.notFound('workflow');
  return state;
}

export const workflowDecider = {
  streamType: 'workflow',
  initialState: initialWorkflowState,
  evolve: evolveWorkflow,
  decide: decideWorkflow,
};
