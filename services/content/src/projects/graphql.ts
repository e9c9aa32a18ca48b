import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import type { ContentLoaders } from '../loaders.js';
import type { ProjectView } from './queries.js';
import { createProject, deleteProject, getProject, listProjects, updateProject } from './service.js';

type PageArgs = { limit?: number | null; offset?: number | null };

export function projectsResolvers(content: Content): Resolvers {
  return {
    Query: {
      projects: resolver(content, (c, request, args: PageArgs) => listProjects(c, request, args)),
      project: resolver(content, (c, request, args: { id: string }) => getProject(c, request, args.id)),
    },
    Mutation: {
      createProject: resolver(content, (c, request, args: { name: string; description?: string | null }) =>
        createProject(c, request, args),
      ),
      updateProject: resolver(
        content,
        (c, request, args: { id: string; name?: string | null; description?: string | null }) =>
          updateProject(c, request, args.id, { name: args.name, description: args.description }),
      ),
      deleteProject: resolver(content, (c, request, args: { id: string }) =>
        deleteProject(c, request, args.id),
      ),
    },
    Project: {
      // Federation calls it as (reference, context), not (parent, args, context).
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getProject(content, requestInfoOf(context), ref.id),
      owner: (project: ProjectView) => ({ id: project.userId }),
      // Read through the request's loader: a list of projects costs one query, not one per project.
      // No ownership check here: a Project reaches this field only from the queries above, which
      // answer the caller's own projects only.
      linkOpportunities: (project: ProjectView, _args: unknown, context: RequestContext<ContentLoaders>) =>
        context.loaders.linkOpportunities.load(project.id).then((items) => items ?? []),
    },
    User: {
      // Only the caller's own projects: another user's list is empty, never theirs.
      projects: resolver(content, async (c, request, args: PageArgs, user: { id: string }) =>
        request.caller.subject === user.id ? listProjects(c, request, args) : { items: [], total: 0 },
      ),
    },
  };
}
