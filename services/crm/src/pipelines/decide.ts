import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolvePipeline,
  initialPipelineState,
  type PipelineEvent,
  type PipelineStage,
  type PipelineState,
} from './pipeline.js';

export type PipelineCommand = {
  type: 'CreatePipeline';
  pipelineId: string;
  locationId: string;
  name: string;
  /** stage ids and names, in order */
  stages: Array<{ id: string; name: string }>;
  /** a default pipeline is created at most once: asking again is not an error */
  idempotent?: boolean;
  now: string;
};

const errors = domainErrorsOf<'PIPELINE_EXISTS'>();

export const MAX_PIPELINE_NAME = 100;
export const MAX_STAGES = 50;

function validName(raw: string, field: string): string {
  const name = raw.trim();
  if (name === '' || name.length > MAX_PIPELINE_NAME)
    throw errors.validationError(`${field} must be 1-${MAX_PIPELINE_NAME} characters`, { field });
  return name;
}

export function decidePipeline(command: PipelineCommand, state: PipelineState): PipelineEvent[] {
  switch (command.type) {
    case 'CreatePipeline': {
      if (state.status !== 'none') {
        if (command.idempotent) return [];
        throw errors.conflict('pipeline already exists', { reason: 'PIPELINE_EXISTS' });
      }
      const name = validName(command.name, 'name');
      if (command.stages.length === 0 || command.stages.length > MAX_STAGES)
        throw errors.validationError(`stages must list 1-${MAX_STAGES} stages`, { field: 'stages' });
      const stages: PipelineStage[] = command.stages.map((stage, position) => ({
        id: stage.id,
        name: validName(stage.name, `stages[${position}].name`),
        position,
      }));
      return [
        {
          type: 'PipelineCreated',
          data: {
            pipelineId: command.pipelineId,
            locationId: command.locationId,
            name,
            stages,
            createdAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command.type;
      return unknown;
    }
  }
}

export const pipelineDecider = {
  streamType: 'pipeline',
  initialState: initialPipelineState,
  evolve: evolvePipeline,
  decide: decidePipeline,
};
