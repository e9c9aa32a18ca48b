import gql from 'graphql-tag';

/**
 * The identity subgraph (Federation 2). Side-effect free: the gateway imports it to compose the
 * supergraph. Other subgraphs extend `User` and `Organization` by their keys.
 *
 * Conventions: times are ISO 8601 strings; an `organizationId` argument accepts `default` (the
 * caller's default organization); secrets (API keys, recovery codes, tokens) appear only in the
 * payloads of the mutations that create them, once.
 */
export const typeDefs = gql`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])

  enum UserKind {
    HUMAN
    AGENT
  }

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

  type ApiKey {
    id: ID!
    organizationId: ID!
    name: String!
    "the visible start of the key, e.g. seren_ab12cd34ef"
    prefix: String!
    createdBy: ID
    createdAt: String!
    expiresAt: String
    lastUsedAt: String
    revokedAt: String
  }

  "A new API key: the full secret is returned here once and never again."
  type CreatedApiKey {
    apiKey: ApiKey!
    key: String!
  }

  type Role {
    id: ID!
    "null for the built-in roles, which every organization shares"
    organizationId: ID
    name: String!
    description: String
    permissions: [String!]!
    isBuiltin: Boolean!
    createdAt: String!
    updatedAt: String!
  }

  type Permission {
    id: ID!
    name: String!
    resourceType: String!
    action: String!
    description: String
    createdAt: String!
  }

  type PermissionCheck {
    permission: String!
    allowed: Boolean!
  }

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

  type AuthTokens {
    accessToken: String!
    refreshToken: String!
    tokenType: String!
    "seconds until the access token expires"
    expiresIn: Int!
    sessionId: ID!
    user: User!
  }

  type AgentRegistration {
    user: User!
    organization: Organization!
    "the API key named 'agent', shown once"
    apiKey: CreatedApiKey!
  }

  type RecoverySetup {
    "the new recovery code, shown once; null when one was already set up"
    recoveryCode: String
    hasRecoveryCode: Boolean!
    email: String
  }

  type WalletRecovery {
    user: User!
    "a new API key (every previous key was revoked), shown once"
    apiKey: CreatedApiKey!
    "the rotated recovery code, shown once"
    recoveryCode: String!
    revokedApiKeys: Int!
  }

  type Query {
    "the caller (null when anonymous)"
    me: User
    organizations: [Organization!]!
    organization(id: ID!): Organization
    members(organizationId: ID!): [Member!]!
    invites(organizationId: ID!): [Invite!]!
    apiKeys(organizationId: ID!): [ApiKey!]!
    roles(organizationId: ID!): [Role!]!
    role(organizationId: ID!, roleId: ID!): Role!
    permissions: [Permission!]!
    checkPermission(organizationId: ID!, permission: String!): PermissionCheck!
    myPermissions(organizationId: ID!): [String!]!
    sessions: [Session!]!
    auditLogs(organizationId: ID!, filter: AuditLogFilter, limit: Int, offset: Int): AuditLogPage!
    auditLog(organizationId: ID!, id: ID!): AuditLog!
  }

  type Mutation {
    "public: email + password account (Serelo's policy)"
    register(email: String!, password: String!, name: String!): User!
    "public"
    login(email: String!, password: String!): AuthTokens!
    "public: rotates the refresh token; reusing a spent one revokes the session"
    refreshTokens(refreshToken: String!): AuthTokens!
    "public: an agent account with a personal organization and an API key named 'agent'"
    registerAgent(name: String): AgentRegistration!
    "sets the agent's email (unverified until the mailed link is followed)"
    updateAgent(email: String!): User!
    updateMe(name: String): User!
    changePassword(currentPassword: String!, newPassword: String!): Boolean!
    "public: always true, whether or not the account exists"
    forgotPassword(email: String!): Boolean!
    "public: always true, whether or not the account exists"
    resendVerification(email: String!): Boolean!
    "public"
    resetPassword(token: String!, newPassword: String!): Boolean!
    "public: verifies the email and logs the user in"
    verifyEmail(token: String!): AuthTokens!

    createOrganization(name: String!): Organization!
    "a Serebro agency; the caller becomes its owner"
    createAgency(name: String!): Organization!
    "a Serebro location under an agency"
    createLocation(agencyId: ID!, name: String!): Organization!
    createInvite(organizationId: ID!, email: String!, role: String): Invite!
    acceptInvite(token: String!): Member!
    assignRole(organizationId: ID!, memberId: ID!, roleId: ID, roleName: String): Member!
    createRole(organizationId: ID!, name: String!, description: String, permissions: [String!]!): Role!
    updateRole(
      organizationId: ID!
      roleId: ID!
      name: String
      description: String
      permissions: [String!]
    ): Role!
    deleteRole(organizationId: ID!, roleId: ID!): Boolean!

    createApiKey(organizationId: ID!, name: String!, expiresInDays: Int): CreatedApiKey!
    revokeApiKey(organizationId: ID!, keyId: ID!): ApiKey!

    revokeSession(sessionId: ID!): SessionsRevoked!
    revokeAllSessions: SessionsRevoked!
    revokeOtherSessions(sessionId: ID!): SessionsRevoked!

    setupRecovery(email: String): RecoverySetup!
    "public"
    recoverWallet(recoveryCode: String!): WalletRecovery!
  }
`;
