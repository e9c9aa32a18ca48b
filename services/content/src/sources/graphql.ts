import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import type { SourceView } from './queries.js';
import {
  deleteSource,
  getSource,
  listProjectSources,
  parsedTextOf,
  pageOf,
  updateSource,
} from './service.js';

type ListArgs = {
  status?: string | null;
  fileType?: string | null;
  limit?: number | null;
  offset?: number | null;
};
type MetadataEntry = { key: string; value: string };

export function sourcesResolvers(content: Content): Resolvers {
  return {
    Query: {
      sources: resolver(content, (c, request, args: ListArgs & { projectId: string }) =>
        listProjectSources(c, request, args.projectId, pageOf(args)),
      ),
      source: resolver(content, (c, request, args: { id: string }) => getSource(c, request, args.id)),
    },
    Mutation: {
      updateSource: resolver(
        content,
        (c, request, args: { id: string; filename?: string | null; metadata?: MetadataEntry[] | null }) =>
          updateSource(c, request, args.id, {
            filename: args.filename ?? undefined,
            metadata: args.metadata
              ? Object.fromEntries(args.metadata.map((e) => [e.key, e.value]))
              : undefined,
          }),
      ),
      deleteSource: resolver(content, async (c, request, args: { id: string }) => {
        await deleteSource(c, request, args.id);
        return true;
      }),
    },
    Source: {
      // Federation calls it as (reference, context), not (parent, args, context).
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        getSource(content, requestInfoOf(context), ref.id),
      project: (source: SourceView) => ({ id: source.projectId }),
      parsedText: (source: SourceView) => parsedTextOf(content, source),
      metadata: (source: SourceView) =>
        Object.entries(source.metadata).map(([key, value]) => ({ key, value })),
    },
    Project: {
      sources: resolver(content, (c, request, args: ListArgs, project: { id: string }) =>
        listProjectSources(c, request, project.id, pageOf(args)),
      ),
    },
  };
}
