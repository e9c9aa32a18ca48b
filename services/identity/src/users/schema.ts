import gql from 'graphql-tag';

/** The identity subgraph's part for users and their profile; ../schema.ts merges every feature's. Side-effect free. */
export const usersTypeDefs = gql`
  enum UserKind {
    HUMAN
    AGENT
  }

  type User @key(fields: "id") {
    id: ID!
    email: String
    name: String!
    kind: UserKind!
    emailVerified: Boolean!
    createdAt: String!
    updatedAt: String!
    "the organization that 'default' resolves to (the personal one unless chosen otherwise)"
    defaultOrganization: Organization
    "organizations the user is a member of (only visible to the user)"
    organizations: [Organization!]!
    "whether a wallet recovery code is set up (only visible to the user)"
    hasRecoveryCode: Boolean!
    recoveryEmail: String
  }

  extend type Query {
    "the caller (null when anonymous)"
    me: User
  }

  extend type Mutation {
    updateMe(name: String): User!
  }
`;
