import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { mergeResolvers, type GraphQLResolverMap, type RequestContext } from '@seren/service-kit';
import type { Content } from './application.js';
import { billingResolvers } from './billing/graphql.js';
import { billingTypeDefs } from './billing/schema.js';
import { jobsResolvers } from './jobs/graphql.js';
import { jobsTypeDefs } from './jobs/schema.js';
import { linksResolvers } from './links/graphql.js';
import { linksTypeDefs } from './links/schema.js';
import { postsResolvers } from './posts/graphql.js';
import { postsTypeDefs } from './posts/schema.js';
import { projectsResolvers } from './projects/graphql.js';
import { projectsTypeDefs } from './projects/schema.js';
import { sourcesResolvers } from './sources/graphql.js';
import { sourcesTypeDefs } from './sources/schema.js';
import { usersResolvers } from './users/graphql.js';
import { usersTypeDefs } from './users/schema.js';

// Each feature folder declares its types and extends Query and Mutation in its own schema.ts;
// this file holds what is the subgraph's as a whole and merges them, in this order.
const subgraph = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query
  type Mutation
`;

const features: DocumentNode[] = [
  usersTypeDefs,
  projectsTypeDefs,
  jobsTypeDefs,
  linksTypeDefs,
  sourcesTypeDefs,
  postsTypeDefs,
  billingTypeDefs,
];

/**
 * The content subgraph (Federation 2): Serelo's Project, Job, LinkOpportunity (and the features
 * beside them), and content's fields on identity's `User`. Side-effect free: the gateway imports
 * it to compose the supergraph.
 */
export const typeDefs: DocumentNode = {
  kind: subgraph.kind,
  definitions: [subgraph, ...features].flatMap((document) => document.definitions),
};

export function resolvers(content: Content): GraphQLResolverMap<RequestContext> {
  return mergeResolvers(
    usersResolvers(content) as never,
    projectsResolvers(content),
    jobsResolvers(content),
    linksResolvers(content),
    postsResolvers(content),
    sourcesResolvers(content),
    billingResolvers(content),
  ) as GraphQLResolverMap<RequestContext>;
}
