import gql from 'graphql-tag';

/** The identity subgraph's part for organizations, members and invites; ../schema.ts merges every feature's. Side-effect free. */
export const organizationsTypeDefs = gql`
  enum OrganizationKind {
    "every user's own organization"
    PERSONAL
    "a SerenAI organization with members"
    TEAM
    "a Serebro agency (company)"
    AGENCY
    "a Serebro location (sub-account of an agency)"
    LOCATION
  }

  enum InviteStatus {
    PENDING
    ACCEPTED
    EXPIRED
  }

  type Organization @key(fields: "id") {
    id: ID!
    name: String!
    kind: OrganizationKind!
    parent: Organization
    children: [Organization!]!
    ownerId: ID
    createdAt: String!
    "the caller's role here (null when the caller is not a member)"
    myRole: Role
  }

  type Member {
    "the member's user id (the spec's member_id)"
    id: ID!
    organizationId: ID!
    user: User!
    role: Role!
    joinedAt: String!
  }

  type Invite {
    id: ID!
    organizationId: ID!
    email: String!
    role: Role!
    status: InviteStatus!
    invitedBy: ID
    createdAt: String!
    expiresAt: String!
    acceptedAt: String
  }

  extend type Query {
    organizations: [Organization!]!
    organization(id: ID!): Organization
    members(organizationId: ID!): [Member!]!
    invites(organizationId: ID!): [Invite!]!
  }

  extend type Mutation {
    createOrganization(name: String!): Organization!
    "a Serebro agency; the caller becomes its owner"
    createAgency(name: String!): Organization!
    "a Serebro location under an agency"
    createLocation(agencyId: ID!, name: String!): Organization!
    createInvite(organizationId: ID!, email: String!, role: String): Invite!
    "joins with the mailed token; only the invite's addressee, with that email verified (else FORBIDDEN INVITE_EMAIL_MISMATCH)"
    acceptInvite(token: String!): Member!
    assignRole(organizationId: ID!, memberId: ID!, roleId: ID, roleName: String): Member!
  }
`;
