import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { PipelineStage } from './pipeline.js';

export interface PipelineView {
  id: string;
  locationId: string;
  name: string;
  /** in order */
  stages: PipelineStage[];
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

interface PipelineRow {
  id: string;
  location_id: string;
  name: string;
  stages: PipelineStage[];
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: PipelineRow): PipelineView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  stages: [...row.stages].sort((a, b) => a.position - b.position),
  isDefault: row.is_default,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's pipeline, or undefined (another location's pipeline is not found either). */
export async function findPipeline(
  app: ApplicationContext,
  locationId: string,
  pipelineId: string,
  manager?: EntityManager,
): Promise<PipelineView | undefined> {
  const rows: PipelineRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from pipelines where id = $1 and location_id = $2`,
    [pipelineId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

/** The location's pipelines, the default first, then oldest first (a location has a handful). */
export async function pipelinesOfLocation(
  app: ApplicationContext,
  locationId: string,
): Promise<PipelineView[]> {
  const rows: PipelineRow[] = await app.dataSource.query(
    `select * from pipelines where location_id = $1 order by is_default desc, created_at, id limit 1000`,
    [locationId],
  );
  return rows.map(toView);
}

/** Pipelines by id (the loaders' batch reader); callers keep to the caller's location. */
export async function pipelinesByIds(
  app: ApplicationContext,
  ids: readonly string[],
): Promise<ReadonlyMap<string, PipelineView>> {
  const rows: PipelineRow[] = await app.dataSource.query(`select * from pipelines where id = any($1)`, [ids]);
  return new Map(rows.map((row) => [row.id, toView(row)]));
}
