import gql from 'graphql-tag';

/** The identity subgraph's part for sessions; ../schema.ts merges every feature's. Side-effect free. */
export const sessionsTypeDefs = gql`
  type Session {
    id: ID!
    ipAddress: String
    userAgent: String
    createdAt: String!
    lastActiveAt: String!
    expiresAt: String!
    isCurrent: Boolean!
  }

  type SessionsRevoked {
    revokedCount: Int!
  }

  extend type Query {
    sessions: [Session!]!
  }

  extend type Mutation {
    revokeSession(sessionId: ID!): SessionsRevoked!
    revokeAllSessions: SessionsRevoked!
    revokeOtherSessions(sessionId: ID!): SessionsRevoked!
  }
`;
