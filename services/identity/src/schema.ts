import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { apiKeysTypeDefs } from './api-keys/schema.js';
import { auditLogTypeDefs } from './audit-log/schema.js';
import { authTypeDefs } from './auth/schema.js';
import { organizationsTypeDefs } from './organizations/schema.js';
import { recoveryTypeDefs } from './recovery/schema.js';
import { rolesTypeDefs } from './roles/schema.js';
import { sessionsTypeDefs } from './sessions/schema.js';
import { usersTypeDefs } from './users/schema.js';
import { marketplaceTypeDefs } from './marketplace/schema.js';
import { vaultTypeDefs } from './vault/schema.js';
import { connectionsTypeDefs } from './connections/schema.js';

// Each feature folder declares its types and extends Query and Mutation in its own schema.ts;
// this file holds what is the subgraph's as a whole and merges them, in this order.
const subgraph = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  type Query
  type Mutation
`;

const features: DocumentNode[] = [
  usersTypeDefs,
  authTypeDefs,
  organizationsTypeDefs,
  apiKeysTypeDefs,
  rolesTypeDefs,
  sessionsTypeDefs,
  auditLogTypeDefs,
  recoveryTypeDefs,
  marketplaceTypeDefs,
  vaultTypeDefs,
  connectionsTypeDefs,
];

/**
 * The identity subgraph (Federation 2). Side-effect free: the gateway imports it to compose the
 * supergraph. Other subgraphs extend `User` and `Organization` by their keys.
 *
 * Conventions: times are ISO 8601 strings; an `organizationId` argument accepts `default` (the
 * caller's default organization); secrets (API keys, recovery codes, tokens) appear only in the
 * payloads of the mutations that create them, once.
 */
export const typeDefs: DocumentNode = {
  kind: subgraph.kind,
  definitions: [subgraph, ...features].flatMap((document) => document.definitions),
};
