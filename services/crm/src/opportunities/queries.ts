import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { afterCursorSql, pageResult, type CursorPage, type ListMeta } from '../pagination.js';
import type { OpportunityStatus } from './opportunity.js';

export interface OpportunityView {
  id: string;
  locationId: string;
  name: string;
  pipelineId: string;
  pipelineStageId: string;
  status: OpportunityStatus;
  monetaryValue: number | null;
  contactId: string;
  assignedTo: string | null;
  source: string | null;
  lastStatusChangeAt: string;
  lastStageChangeAt: string;
  createdAt: string;
  updatedAt: string;
}

interface OpportunityRow {
  id: string;
  location_id: string;
  name: string;
  pipeline_id: string;
  pipeline_stage_id: string;
  status: OpportunityStatus;
  monetary_value: string | null;
  contact_id: string;
  assigned_to: string | null;
  source: string | null;
  last_status_change_at: Date;
  last_stage_change_at: Date;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: OpportunityRow): OpportunityView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  pipelineId: row.pipeline_id,
  pipelineStageId: row.pipeline_stage_id,
  status: row.status,
  monetaryValue: row.monetary_value === null ? null : Number(row.monetary_value),
  contactId: row.contact_id,
  assignedTo: row.assigned_to,
  source: row.source,
  lastStatusChangeAt: row.last_status_change_at.toISOString(),
  lastStageChangeAt: row.last_stage_change_at.toISOString(),
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's opportunity, or undefined (another location's is not found either). */
export async function findOpportunity(
  app: ApplicationContext,
  locationId: string,
  opportunityId: string,
  manager?: EntityManager,
): Promise<OpportunityView | undefined> {
  const rows: OpportunityRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from opportunities where id = $1 and location_id = $2`,
    [opportunityId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

export interface OpportunityFilter {
  pipelineId?: string | null;
  pipelineStageId?: string | null;
  contactId?: string | null;
  status?: OpportunityStatus | 'all' | null;
  assignedTo?: string | null;
  /** a case-insensitive part of the name */
  query?: string | null;
}

/** A page of the location's opportunities, newest first, by HighLevel's cursor, with the total. */
export async function listOpportunities(
  app: ApplicationContext,
  locationId: string,
  filter: OpportunityFilter,
  page: CursorPage,
): Promise<{ items: OpportunityView[]; meta: ListMeta }> {
  const where = ['location_id = $1'];
  const params: unknown[] = [locationId];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.pipelineId) add((n) => `pipeline_id = $${n}`, filter.pipelineId);
  if (filter.pipelineStageId) add((n) => `pipeline_stage_id = $${n}`, filter.pipelineStageId);
  if (filter.contactId) add((n) => `contact_id = $${n}`, filter.contactId);
  if (filter.status && filter.status !== 'all') add((n) => `status = $${n}`, filter.status);
  if (filter.assignedTo) add((n) => `assigned_to = $${n}`, filter.assignedTo);
  if (filter.query)
    add((n) => `name ilike $${n} escape '\\'`, `%${filter.query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  const filtered = where.join(' and ');
  const cursor = afterCursorSql(
    page,
    { time: 'created_at', id: 'id', table: 'opportunities' },
    params.length + 1,
  );
  const [rows, count]: [OpportunityRow[], { total: string }[]] = await Promise.all([
    app.dataSource.query(
      `select * from opportunities where ${filtered} and ${cursor.sql}
       order by created_at desc, id desc limit $${params.length + cursor.params.length + 1}`,
      [...params, ...cursor.params, page.limit + 1],
    ),
    app.dataSource.query(`select count(*) as total from opportunities where ${filtered}`, params),
  ]);
  const result = pageResult(page, rows, Number(count[0]!.total), (row) => ({
    at: row.created_at,
    id: row.id,
  }));
  return { items: result.items.map(toView), meta: result.meta };
}
