import gql from 'graphql-tag';

/** The identity subgraph's part for connected accounts (OAuth providers and connections, social accounts). Side-effect free. */
export const connectionsTypeDefs = gql`
  "An extra parameter of a provider's authorization URL (e.g. access_type=offline)."
  type OAuthAuthParam {
    name: String!
    value: String!
  }

  input OAuthAuthParamInput {
    name: String!
    value: String!
  }

  "An outside OAuth 2.0 provider users can connect to: global (configuration) or an organization's (BYOC). Never its client secret."
  type OAuthProvider {
    id: ID!
    "null for a global provider"
    organizationId: ID
    slug: String!
    name: String!
    description: String
    logoUrl: String
    issuer: String
    "null when the issuer's discovery names it"
    authorizationUrl: String
    tokenUrl: String
    revocationUrl: String
    userinfoUrl: String
    scopes: [String!]!
    pkceRequired: Boolean!
    customAuthParams: [OAuthAuthParam!]!
    clientId: String!
    isActive: Boolean!
    createdAt: String
    updatedAt: String
  }

  "A user's account at an OAuth provider (its tokens are sealed in identity's vault)."
  type OAuthConnection {
    id: ID!
    providerId: ID!
    providerSlug: String!
    providerName: String
    organizationId: ID
    accountId: String
    accountName: String
    scopes: [String!]!
    expiresAt: String
    connectedAt: String!
    updatedAt: String!
  }

  type OAuthConnectionRevoked {
    success: Boolean!
    message: String!
  }

  input CreateOAuthProviderInput {
    "default: from the name (lowercase, dashes)"
    slug: String
    name: String!
    description: String
    logoUrl: String
    "discovery (RFC 8414 / OpenID Connect); the URLs named here override what it finds"
    issuer: String
    authorizationUrl: String!
    "required unless an issuer is named"
    tokenUrl: String
    revocationUrl: String
    userinfoUrl: String
    scopes: [String!]!
    "default true"
    pkceRequired: Boolean
    customAuthParams: [OAuthAuthParamInput!]
    clientId: String!
    "sealed; never shown again"
    clientSecret: String!
    "default true"
    isActive: Boolean
  }

  "Fields left out keep their value; null clears an optional one."
  input UpdateOAuthProviderInput {
    slug: String
    name: String
    description: String
    logoUrl: String
    issuer: String
    authorizationUrl: String
    tokenUrl: String
    revocationUrl: String
    userinfoUrl: String
    scopes: [String!]
    pkceRequired: Boolean
    customAuthParams: [OAuthAuthParamInput!]
    clientId: String
    "a new secret (re-sealed); left out keeps the current one"
    clientSecret: String
    isActive: Boolean
    "only the provider's own organization (a provider cannot move or become global)"
    organizationId: ID
  }

  type SocialAccountPage {
    pageId: String!
    pageName: String!
    "masked (…wxyz): the page token is sealed"
    accessToken: String!
  }

  "A Serelo user's connected social account (Facebook) and the pages they manage."
  type SocialAccount {
    id: ID!
    userId: ID!
    platform: String!
    platformUserId: String!
    platformUsername: String
    "masked (…wxyz): the token is sealed"
    accessToken: String!
    tokenExpiresAt: String
    pages: [SocialAccountPage!]!
    createdAt: String!
  }

  extend type Query {
    "the active providers the caller may connect to: global ones and those of the caller's organizations"
    oauthProviders: [OAuthProvider!]!
    "the caller's connected accounts"
    oauthConnections: [OAuthConnection!]!
    "an organization's own providers (members)"
    organizationOAuthProviders(organizationId: ID!): [OAuthProvider!]!
    organizationOAuthProvider(organizationId: ID!, providerId: ID!): OAuthProvider!
    "the caller's connected social accounts (Serelo)"
    socialAccounts: [SocialAccount!]!
  }

  extend type Mutation {
    "disconnects the caller's account at a provider, by id or by slug (one of them); 404 without a connection"
    revokeOAuthConnection(providerId: ID, providerSlug: String): OAuthConnectionRevoked!
    createOrganizationOAuthProvider(organizationId: ID!, input: CreateOAuthProviderInput!): OAuthProvider!
    updateOrganizationOAuthProvider(
      organizationId: ID!
      providerId: ID!
      input: UpdateOAuthProviderInput!
    ): OAuthProvider!
    "deletes the provider and disconnects every user of it; answers what it was"
    deleteOrganizationOAuthProvider(organizationId: ID!, providerId: ID!): OAuthProvider!
    disconnectSocialAccount(accountId: ID!): Boolean!
  }
`;
