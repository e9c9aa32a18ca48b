import { resolver, type Resolvers } from '@seren/service-kit';
import type { Content } from '../application.js';
import { getJob } from './service.js';

export function jobsResolvers(content: Content): Resolvers {
  return {
    Query: {
      job: resolver(content, (c, request, args: { id: string }) => getJob(c, request, args.id)),
    },
  };
}
