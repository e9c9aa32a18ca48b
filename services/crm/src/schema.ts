import gql from 'graphql-tag';
import type { DocumentNode } from 'graphql';
import { mergeResolvers, type GraphQLResolverMap, type RequestContext } from '@seren/service-kit';
import type { Crm } from './application.js';
import { appointmentsResolvers } from './appointments/graphql.js';
import { appointmentsTypeDefs } from './appointments/schema.js';
import { contactsResolvers } from './contacts/graphql.js';
import { contactsTypeDefs } from './contacts/schema.js';
import { customFieldsResolvers } from './custom-fields/graphql.js';
import { customFieldsTypeDefs } from './custom-fields/schema.js';
import { calendarsResolvers } from './calendars/graphql.js';
import { calendarsTypeDefs } from './calendars/schema.js';
import { opportunitiesResolvers } from './opportunities/graphql.js';
import { opportunitiesTypeDefs } from './opportunities/schema.js';
import { pipelinesResolvers } from './pipelines/graphql.js';
import { pipelinesTypeDefs } from './pipelines/schema.js';
import { paymentsResolvers } from './payments/graphql.js';
import { paymentsTypeDefs } from './payments/schema.js';
import { domainsResolvers } from './domains/graphql.js';
import { domainsTypeDefs } from './domains/schema.js';
import { webhooksResolvers } from './webhooks/graphql.js';
import { webhooksTypeDefs } from './webhooks/schema.js';
import { credentialsResolvers } from './credentials/graphql.js';
import { credentialsTypeDefs } from './credentials/schema.js';
import { automationResolvers } from './automation/graphql.js';
import { automationTypeDefs } from './automation/schema.js';

// Each feature folder declares its types and extends Query and Mutation in its own schema.ts;
// this file holds what is the subgraph's as a whole and merges them, in this order.
const subgraph = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])

  type Query
  type Mutation

  "HighLevel's list meta: the total and the cursor of the next page (startAfterId and startAfter, epoch ms)."
  type ListMeta {
    total: Int!
    startAfterId: ID
    startAfter: Float
    currentPage: Int!
    nextPage: Int
    prevPage: Int
  }
`;

const features: DocumentNode[] = [
  contactsTypeDefs,
  customFieldsTypeDefs,
  pipelinesTypeDefs,
  opportunitiesTypeDefs,
  calendarsTypeDefs,
  appointmentsTypeDefs,
  webhooksTypeDefs,
  credentialsTypeDefs,
  automationTypeDefs,
  paymentsTypeDefs,
  domainsTypeDefs,
];

/**
 * The crm subgraph (Federation 2): Serebro's CRM records (Contact, Opportunity, Pipeline,
 * Appointment, Calendar, CustomField), each in one location. Side-effect free: the gateway imports
 * it to compose the supergraph.
 */
export const typeDefs: DocumentNode = {
  kind: subgraph.kind,
  definitions: [subgraph, ...features].flatMap((document) => document.definitions),
};

export function resolvers(crm: Crm): GraphQLResolverMap<RequestContext> {
  return mergeResolvers(
    contactsResolvers(crm),
    customFieldsResolvers(crm),
    pipelinesResolvers(crm),
    opportunitiesResolvers(crm),
    calendarsResolvers(crm),
    appointmentsResolvers(crm),
    webhooksResolvers(crm),
    credentialsResolvers(crm),
    automationResolvers(crm),
    paymentsResolvers(crm),
    domainsResolvers(crm),
  ) as GraphQLResolverMap<RequestContext>;
}
