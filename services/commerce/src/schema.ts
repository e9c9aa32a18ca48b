import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { mergeResolvers, type GraphQLResolverMap, type RequestContext } from '@seren/service-kit';
import type { Commerce } from './application.js';
import { agentTasksResolvers } from './agent-tasks/graphql.js';
import { agentTasksTypeDefs } from './agent-tasks/schema.js';
import { chargesResolvers } from './charges/graphql.js';
import { chargesTypeDefs } from './charges/schema.js';
import { paymentMethodsResolvers } from './payment-methods/graphql.js';
import { paymentMethodsTypeDefs } from './payment-methods/schema.js';
import { plansResolvers } from './plans/graphql.js';
import { plansTypeDefs } from './plans/schema.js';
import { proxyResolvers } from './proxy/graphql.js';
import { proxyTypeDefs } from './proxy/schema.js';
import { publishersResolvers } from './publishers/graphql.js';
import { publishersTypeDefs } from './publishers/schema.js';
import { stripeResolvers } from './stripe/graphql.js';
import { stripeTypeDefs } from './stripe/schema.js';
import { walletResolvers } from './wallet/graphql.js';
import { walletTypeDefs } from './wallet/schema.js';
import { x402Resolvers } from './x402/graphql.js';
import { x402TypeDefs } from './x402/schema.js';

// Each feature folder declares its types and extends Query and Mutation in its own schema.ts;
// this file holds what is the subgraph's as a whole and merges them, in this order.
const subgraph = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query
  type Mutation
`;

const features: DocumentNode[] = [
  publishersTypeDefs,
  agentTasksTypeDefs,
  proxyTypeDefs,
  chargesTypeDefs,
  stripeTypeDefs,
  paymentMethodsTypeDefs,
  plansTypeDefs,
  walletTypeDefs,
  x402TypeDefs,
];

/**
 * The commerce subgraph (Federation 2): SerenAI's money (deposits, payment methods, plans, the
 * wallet and its ledger, charges). Side-effect free: the gateway imports it to compose the supergraph.
 */
export const typeDefs: DocumentNode = {
  kind: subgraph.kind,
  definitions: [subgraph, ...features].flatMap((document) => document.definitions),
};

export function resolvers(commerce: Commerce): GraphQLResolverMap<RequestContext> {
  return mergeResolvers(
    publishersResolvers(commerce),
    agentTasksResolvers(commerce),
    proxyResolvers(commerce),
    chargesResolvers(commerce),
    stripeResolvers(commerce),
    paymentMethodsResolvers(commerce),
    plansResolvers(commerce),
    walletResolvers(commerce),
    x402Resolvers(commerce),
  ) as GraphQLResolverMap<RequestContext>;
}
