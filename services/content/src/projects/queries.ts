import type { ApplicationContext } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';

export interface ProjectView {
  id: string;
  userId: string;
  name: string;
  description: string | null;
  createdAt: string;
  updatedAt: string;
}

interface ProjectRow {
  id: string;
  user_id: string;
  name: string;
  description: string | null;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: ProjectRow): ProjectView => ({
  id: row.id,
  userId: row.user_id,
  name: row.name,
  description: row.description,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The user's project, or undefined for a missing one and for another user's (they look alike). */
export async function findProject(
  app: ApplicationContext,
  userId: string,
  projectId: string,
  manager?: EntityManager,
): Promise<ProjectView | undefined> {
  const rows: ProjectRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from projects where id = $1 and user_id = $2`,
    [projectId, userId],
  );
  return rows[0] && toView(rows[0]);
}

/** The user's project, else 404 NOT_FOUND (another user's project is "not found" too, never 403). */
export async function ownedProject(
  app: ApplicationContext,
  userId: string,
  projectId: string,
  manager?: EntityManager,
): Promise<ProjectView> {
  const project = await findProject(app, userId, projectId, manager);
  if (!project) throw notFound('project');
  return project;
}

/** A page of the user's projects, newest first (the spec's order), and how many there are. */
export async function listProjects(
  app: ApplicationContext,
  userId: string,
  page: { limit: number; offset: number },
): Promise<{ items: ProjectView[]; total: number }> {
  const [rows, count]: [ProjectRow[], { total: string }[]] = await Promise.all([
    app.dataSource.query(
      `select * from projects where user_id = $1 order by created_at desc, id desc limit $2 offset $3`,
      [userId, page.limit, page.offset],
    ),
    app.dataSource.query(`select count(*) as total from projects where user_id = $1`, [userId]),
  ]);
  return { items: rows.map(toView), total: Number(count[0]!.total) };
}

/** Projects by id (the loaders' batch reader), whoever owns them: callers check ownership. */
export async function projectsByIds(
  app: ApplicationContext,
  ids: readonly string[],
): Promise<ReadonlyMap<string, ProjectView>> {
  const rows: ProjectRow[] = await app.dataSource.query(`select * from projects where id = any($1)`, [ids]);
  return new Map(rows.map((row) => [row.id, toView(row)]));
}
