import { resolver, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import { createLinkOpportunity, deleteLinkOpportunity, listLinkOpportunities } from './service.js';

export function linksResolvers(content: Content): Resolvers {
  return {
    Query: {
      linkOpportunities: resolver(content, (c, request, args: { projectId: string }) =>
        listLinkOpportunities(c, request, args.projectId),
      ),
    },
    Mutation: {
      createLinkOpportunity: resolver(
        content,
        (
          c,
          request,
          args: { projectId: string; targetUrl: string; keywords: string[]; anchorText?: string | null },
        ) =>
          createLinkOpportunity(c, request, args.projectId, {
            targetUrl: args.targetUrl,
            keywords: args.keywords,
            anchorText: args.anchorText,
          }),
      ),
      deleteLinkOpportunity: resolver(content, (c, request, args: { id: string }) =>
        deleteLinkOpportunity(c, request, args.id),
      ),
    },
  };
}
