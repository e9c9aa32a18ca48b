import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import type { GraphQLResolverMap, RequestContext } from '@seren/service-kit';
import { userResolvers } from './users/graphql.js';
import { usersTypeDefs } from './users/schema.js';

const subgraph = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
`;

// Each feature folder declares its types in its own schema.ts; this file merges them.
/**
 * The content subgraph (Federation 2). `typeDefs` is side-effect free: the gateway imports it to
 * compose the supergraph. Content adds Serelo's plan and quota to identity's `User`.
 */
export const typeDefs: DocumentNode = {
  kind: subgraph.kind,
  definitions: [subgraph, usersTypeDefs].flatMap((document) => document.definitions),
};

export const resolvers: GraphQLResolverMap<RequestContext> = { ...userResolvers };
