import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { EventMetadata } from '@seren/event-store';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import { pipelineDecider } from './decide.js';
import {
  DEFAULT_PIPELINE_NAME,
  DEFAULT_STAGE_NAMES,
  defaultPipelineId,
  derivedId,
  pipelineStream,
} from './pipeline.js';
import { findPipeline, pipelinesOfLocation, type PipelineView } from './queries.js';

/**
 * Creates the location's default pipeline unless it exists: from identity's location-created event
 * (consumers.ts) and, for a location that predates this service's consumer or whose event has not
 * arrived yet, on first use. Both name the same stream (the id derives from the location), so the
 * pipeline is created once; the second caller decides nothing.
 */
export async function ensureDefaultPipeline(
  crm: Crm,
  locationId: string,
  metadata: EventMetadata,
  manager?: EntityManager,
): Promise<void> {
  const pipelineId = defaultPipelineId(locationId);
  await handle(
    crm,
    manager,
    pipelineStream(pipelineId),
    pipelineDecider,
    {
      type: 'CreatePipeline',
      pipelineId,
      locationId,
      name: DEFAULT_PIPELINE_NAME,
      stages: DEFAULT_STAGE_NAMES.map((name, position) => ({
        id: derivedId(pipelineId, String(position)),
        name,
      })),
      idempotent: true,
      now: crm.now().toISOString(),
    },
    metadata,
  );
}

/** The location's pipelines with their stages in order; the default one first. */
export async function listPipelines(crm: Crm, request: RequestOrigin): Promise<PipelineView[]> {
  const locationId = locationOf(request);
  const pipelines = await pipelinesOfLocation(crm, locationId);
  if (pipelines.some((p) => p.isDefault)) return pipelines;
  await ensureDefaultPipeline(crm, locationId, eventMetadataOf(request));
  return pipelinesOfLocation(crm, locationId);
}

/** A pipeline of the caller's location, or undefined. */
export async function getPipeline(crm: Crm, request: RequestOrigin, pipelineId: string) {
  return findPipeline(crm, locationOf(request), pipelineId);
}

/** The pipeline to put a new opportunity in: the one named (of this location) or the default. */
export async function pipelineForOpportunity(
  crm: Crm,
  request: RequestOrigin,
  locationId: string,
  pipelineId: string | null | undefined,
): Promise<PipelineView | undefined> {
  if (pipelineId) return findPipeline(crm, locationId, pipelineId);
  const id = defaultPipelineId(locationId);
  const existing = await findPipeline(crm, locationId, id);
  if (existing) return existing;
  await ensureDefaultPipeline(crm, locationId, eventMetadataOf(request));
  return findPipeline(crm, locationId, id);
}

export async function createPipeline(
  crm: Crm,
  request: RequestOrigin,
  input: { name: string; stages: string[] },
): Promise<PipelineView> {
  const locationId = locationOf(request);
  const pipelineId = randomUUID();
  await handle(
    crm,
    undefined,
    pipelineStream(pipelineId),
    pipelineDecider,
    {
      type: 'CreatePipeline',
      pipelineId,
      locationId,
      name: input.name,
      stages: input.stages.map((name) => ({ id: randomUUID(), name })),
      now: crm.now().toISOString(),
    },
    eventMetadataOf(request),
  );
  return (await findPipeline(crm, locationId, pipelineId))!;
}
