import { createHash } from 'node:crypto';
import { PipelineCreated, PipelineDeleted, PipelineUpdated, type EventOf } from '@seren/contracts';

export type PipelineEvent = EventOf<[typeof PipelineCreated, typeof PipelineUpdated, typeof PipelineDeleted]>;

export const pipelineStream = (pipelineId: string) => `pipeline-${pipelineId}`;

export interface PipelineStage {
  id: string;
  name: string;
  position: number;
}

export type PipelineState =
  | { status: 'none' }
  | {
      status: 'active' | 'deleted';
      pipelineId: string;
      locationId: string;
      name: string;
      stages: PipelineStage[];
    };

export const initialPipelineState = (): PipelineState => ({ status: 'none' });

export function evolvePipeline(state: PipelineState, event: PipelineEvent): PipelineState {
  switch (event.type) {
    case 'PipelineCreated': {
      const { pipelineId, locationId, name, stages } = event.data;
      return { status: 'active', pipelineId, locationId, name, stages };
    }
    case 'PipelineUpdated':
      if (state.status === 'none') return state;
      return { ...state, name: event.data.name ?? state.name, stages: event.data.stages ?? state.stages };
    case 'PipelineDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** The stages a location's default pipeline starts with, in order (HighLevel's sample pipeline). */
export const DEFAULT_PIPELINE_NAME = 'Sales Pipeline';
export const DEFAULT_STAGE_NAMES = ['New Lead', 'Contacted', 'Proposal Sent', 'Negotiation', 'Closed'];

/**
 * A stable id derived from the location (and a stage's position): the default pipeline is created
 * from the location-created event and on first use, maybe both at once, and both must name the same
 * stream so that only one PipelineCreated is ever appended.
 */
export function derivedId(...parts: string[]): string {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const defaultPipelineId = (locationId: string) => derivedId('default-pipeline', locationId);
