import gql from 'graphql-tag';

/** The identity subgraph's part for the audit log; ../schema.ts merges every feature's. Side-effect free. */
export const auditLogTypeDefs = gql`
  type AuditLog {
    id: ID!
    organizationId: ID!
    actorId: String
    actorType: String
    action: String!
    actionCategory: String!
    resourceType: String!
    resourceId: String
    status: String!
    ipAddress: String
    userAgent: String
    "the event's data as JSON (never secrets)"
    details: String!
    eventId: ID!
    eventType: String!
    source: String!
    createdAt: String!
  }

  type AuditLogPage {
    items: [AuditLog!]!
    total: Int!
    limit: Int!
    offset: Int!
  }

  input AuditLogFilter {
    actorId: String
    action: String
    resourceType: String
    resourceId: String
    status: String
    actionCategory: String
    "ISO 8601"
    startDate: String
    "ISO 8601"
    endDate: String
  }

  extend type Query {
    auditLogs(organizationId: ID!, filter: AuditLogFilter, limit: Int, offset: Int): AuditLogPage!
    auditLog(organizationId: ID!, id: ID!): AuditLog!
  }
`;
