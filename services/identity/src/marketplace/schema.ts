import gql from 'graphql-tag';

/** The identity subgraph's part for Serebro's marketplace apps, installs and private integrations. Side-effect free. */
export const marketplaceTypeDefs = gql`
  "Who may install a marketplace app: an agency (and its locations) or locations only."
  enum MarketplaceDistribution {
    "installable on an agency (Company tokens) and its locations"
    AGENCY
    "installable on locations only"
    LOCATION
  }

  "HighLevel's token classes: a location (sub-account) or an agency (Company)."
  enum SerebroUserType {
    "HighLevel's Location"
    LOCATION
    "HighLevel's Company"
    COMPANY
  }

  "A marketplace app a developer registered under their agency (the client of Serebro's OAuth server)."
  type MarketplaceApp {
    id: ID!
    "the developer's organization"
    organizationId: ID!
    clientId: String!
    name: String!
    "exact redirect URIs: https, or http on localhost / 127.0.0.1 / [::1]"
    redirectUris: [String!]!
    "canonical scope names (contacts:read, ...) the app may request"
    scopes: [String!]!
    distribution: MarketplaceDistribution!
    "where INSTALL and UNINSTALL events are delivered"
    webhookUrl: String
    createdBy: ID
    createdAt: String!
    updatedAt: String!
    "while a rotated-away client secret still works: when it stops"
    previousSecretExpiresAt: String
    "the app's installs (active first); active filters"
    installs(active: Boolean, companyId: ID): [AppInstall!]!
  }

  "A registered app or a rotated secret: the client secret is returned here once and never again."
  type MarketplaceAppWithSecret {
    app: MarketplaceApp!
    clientSecret: String!
  }

  "An app installed on a location or agency (one per app and organization)."
  type AppInstall {
    id: ID!
    appId: ID!
    appName: String!
    clientId: String!
    "the location (Location) or agency (Company) it is installed on"
    organizationId: ID!
    companyId: ID
    locationId: ID
    "the user who consented"
    userId: ID!
    userType: SerebroUserType!
    scopes: [String!]!
    active: Boolean!
    installedAt: String!
    updatedAt: String!
    uninstalledAt: String
  }

  type InstalledLocation {
    id: ID!
    name: String!
    address: String
    isInstalled: Boolean!
  }

  "HighLevel's GET /oauth/installedLocations answer."
  type InstalledLocations {
    locations: [InstalledLocation!]!
    count: Int!
    "whether the app is installed on the agency itself (covering its future locations)"
    installToFutureLocations: Boolean!
  }

  "A private integration token (PIT) of a location or agency: a bearer token for Serebro v2 with chosen scopes."
  type PrivateIntegration {
    id: ID!
    organizationId: ID!
    userType: SerebroUserType!
    name: String!
    scopes: [String!]!
    createdBy: ID!
    createdAt: String!
    rotatedAt: String
    revokedAt: String
    lastUsedAt: String
    "while a rotated-away token still works (7 days by default): when it stops"
    previousTokenExpiresAt: String
  }

  "A created or rotated PIT: the token (pit-<uuid>) is returned here once and never again."
  type PrivateIntegrationWithToken {
    privateIntegration: PrivateIntegration!
    token: String!
  }

  extend type Query {
    "the apps of a developer organization (org.manage_integrations)"
    marketplaceApps(organizationId: ID!): [MarketplaceApp!]!
    marketplaceApp(organizationId: ID!, appId: ID!): MarketplaceApp!
    "the apps installed on a location or agency (org.manage_integrations there)"
    appInstalls(organizationId: ID!): [AppInstall!]!
    "the locations of an agency and whether the app is installed on each (HighLevel's installedLocations): by the app with an agency OAuth token, or an admin of the agency"
    installedLocations(
      companyId: ID!
      appId: ID!
      isInstalled: Boolean
      "part of the location's name"
      query: String
      skip: Int
      "1 to 100, default 20"
      limit: Int
    ): InstalledLocations!
    privateIntegrations(organizationId: ID!): [PrivateIntegration!]!
  }

  extend type Mutation {
    registerMarketplaceApp(
      organizationId: ID!
      name: String!
      redirectUris: [String!]!
      "canonical names or HighLevel's aliases; unknown names are refused"
      scopes: [String!]!
      distribution: MarketplaceDistribution!
      webhookUrl: String
    ): MarketplaceAppWithSecret!
    "absent arguments are unchanged; webhookUrl: null removes it"
    updateMarketplaceApp(
      organizationId: ID!
      appId: ID!
      name: String
      redirectUris: [String!]
      scopes: [String!]
      distribution: MarketplaceDistribution
      webhookUrl: String
    ): MarketplaceApp!
    "a new client secret; the previous one works for graceSeconds more (default 86400, at most 604800, 0: stops now)"
    rotateMarketplaceAppSecret(organizationId: ID!, appId: ID!, graceSeconds: Int): MarketplaceAppWithSecret!
    "deletes the app and uninstalls it everywhere"
    deleteMarketplaceApp(organizationId: ID!, appId: ID!): MarketplaceApp!
    "by an admin of the location/agency it is installed on, or of the app's developer organization; its tokens stop at once"
    uninstallApp(installId: ID!): AppInstall!
    createPrivateIntegration(
      organizationId: ID!
      name: String!
      scopes: [String!]!
    ): PrivateIntegrationWithToken!
    "a new token; the previous one works for overlapSeconds more (default and at most 604800 = 7 days, 0: stops now)"
    rotatePrivateIntegration(organizationId: ID!, id: ID!, overlapSeconds: Int): PrivateIntegrationWithToken!
    revokePrivateIntegration(organizationId: ID!, id: ID!): PrivateIntegration!
  }
`;
