import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, requireAuthenticated, type RequestOrigin } from '@seren/service-kit';
import type { Content } from '../application.js';
import { runningWorkflowsOfProject } from '../jobs/queries.js';
import { storageKeysOfProject } from '../sources/queries.js';
import { removeStoredFiles } from '../sources/service.js';
import { pageOf } from '../pagination.js';
import { projectDecider, type ProjectCommand } from './decide.js';
import { projectStream } from './project.js';
import { listProjects as readProjects, ownedProject, type ProjectView } from './queries.js';

function userOf(request: RequestOrigin): string {
  requireAuthenticated(request.caller);
  return request.caller.subject;
}

async function handleProject(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  command: ProjectCommand,
) {
  return handle(
    content,
    undefined,
    projectStream(projectId),
    projectDecider,
    command,
    eventMetadataOf(request),
  );
}

export async function createProject(
  content: Content,
  request: RequestOrigin,
  input: { name: string; description?: string | null },
): Promise<ProjectView> {
  const userId = userOf(request);
  const projectId = randomUUID();
  await handleProject(content, request, projectId, {
    type: 'CreateProject',
    projectId,
    userId,
    name: input.name,
    description: input.description,
    now: content.now().toISOString(),
  });
  return ownedProject(content, userId, projectId);
}

export function listProjects(
  content: Content,
  request: RequestOrigin,
  page: { limit?: number | null; offset?: number | null },
) {
  return readProjects(content, userOf(request), pageOf(page, { defaultLimit: 100, maxLimit: 100 }));
}

export function getProject(
  content: Content,
  request: RequestOrigin,
  projectId: string,
): Promise<ProjectView> {
  return ownedProject(content, userOf(request), projectId);
}

export async function updateProject(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  input: { name?: string | null; description?: string | null },
): Promise<ProjectView> {
  const userId = userOf(request);
  await ownedProject(content, userId, projectId);
  await handleProject(content, request, projectId, {
    type: 'UpdateProject',
    userId,
    name: input.name,
    description: input.description,
    now: content.now().toISOString(),
  });
  return ownedProject(content, userId, projectId);
}

/**
 * Deletes the project; ProjectDeleted's projections remove its posts, links, sources and jobs in
 * the same transaction. Then its sources' stored files are removed, and its running workflows are
 * cancelled: each one's cancellation handler records its job as failed and gives back the
 * generation slot (a workflow already gone is fine).
 */
export async function deleteProject(
  content: Content,
  request: RequestOrigin,
  projectId: string,
): Promise<boolean> {
  const userId = userOf(request);
  await ownedProject(content, userId, projectId);
  const running = await runningWorkflowsOfProject(content, projectId);
  const storedFiles = await storageKeysOfProject(content, projectId);
  await handleProject(content, request, projectId, {
    type: 'DeleteProject',
    userId,
    now: content.now().toISOString(),
  });
  await removeStoredFiles(content, storedFiles);
  await Promise.all(
    running.map(async (workflowId) => {
      try {
        await content.workflows.workflow.getHandle(workflowId).cancel();
      } catch (error) {
        if ((error as { name?: string }).name !== 'WorkflowNotFoundError') throw error;
      }
    }),
  );
  return true;
}
