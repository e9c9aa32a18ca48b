import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { Crm } from '../application.js';
import { createPipeline, getPipeline, listPipelines } from './service.js';

export function pipelinesResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      pipelines: resolver(crm, (c, request) => listPipelines(c, request)),
    },
    Mutation: {
      createPipeline: resolver(crm, (c, request, args: { name: string; stages: string[] }) =>
        createPipeline(c, request, args),
      ),
    },
    Pipeline: {
      __resolveReference: async (ref: { id: string }, context: RequestContext<unknown>) =>
        (await getPipeline(crm, requestInfoOf(context), ref.id)) ?? Promise.reject(notFound('pipeline')),
    },
  };
}
