import { startDomainService, type DomainService } from '@seren/service-kit';
import { resolvers, typeDefs } from './schema.js';

// The content service: Serelo: projects, sources and parsing, posts, jobs, internal links, plans and quotas.
export function startContentService(env?: Record<string, string | undefined>): Promise<DomainService> {
  return startDomainService({ name: 'content', defaultPort: 4103, env, graphql: { typeDefs, resolvers } });
}
