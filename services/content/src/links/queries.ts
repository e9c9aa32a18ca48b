import type { ApplicationContext } from '@seren/service-kit';

export interface LinkOpportunityView {
  id: string;
  projectId: string;
  targetUrl: string;
  keywords: string[];
  anchorText: string | null;
  createdAt: string;
}

interface Row {
  id: string;
  project_id: string;
  target_url: string;
  keywords: string[];
  anchor_text: string | null;
  created_at: Date;
}

/** The link opportunities of several projects (the loaders' batch reader), each list oldest first. */
export async function linkOpportunitiesOfProjects(
  app: ApplicationContext,
  projectIds: readonly string[],
): Promise<Map<string, LinkOpportunityView[]>> {
  const rows: Row[] = await app.dataSource.query(
    `select * from link_opportunities where project_id = any($1) order by created_at, id`,
    [projectIds],
  );
  const byProject = new Map<string, LinkOpportunityView[]>(projectIds.map((id) => [id, []]));
  for (const row of rows) byProject.get(row.project_id)?.push(viewOf(row));
  return byProject;
}

/** A project's link opportunities, oldest first (the order they were added, which generation tries them in). */
export async function linkOpportunitiesOfProject(
  app: ApplicationContext,
  projectId: string,
): Promise<LinkOpportunityView[]> {
  const rows: Row[] = await app.dataSource.query(
    `select * from link_opportunities where project_id = $1 order by created_at, id`,
    [projectId],
  );
  return rows.map(viewOf);
}

const viewOf = (row: Row): LinkOpportunityView => ({
  id: row.id,
  projectId: row.project_id,
  targetUrl: row.target_url,
  keywords: row.keywords,
  anchorText: row.anchor_text,
  createdAt: row.created_at.toISOString(),
});
