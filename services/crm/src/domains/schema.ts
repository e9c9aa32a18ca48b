import gql from 'graphql-tag';

/** The crm subgraph's part for branded domains (Serebro §6); ../schema.ts merges every feature's. Side-effect free. */
export const domainsTypeDefs = gql`
  "whose branded domain: an agency's (business level, HighLevel's company) or a location's (sub-account)"
  enum BrandedDomainLevel {
    AGENCY
    LOCATION
  }

  "The DNS record that proves control of a domain: publish it, then verify."
  type DomainVerificationRecord {
    "always TXT"
    recordType: String!
    "_serebro-verify.<domain>"
    name: String!
    "serebro-verify=<token>"
    value: String!
  }

  "An agency's or a location's branded API domain; used only once verified."
  type BrandedDomain {
    organizationId: ID!
    level: BrandedDomainLevel!
    "lower case, no scheme or trailing dot"
    domain: String!
    verified: Boolean!
    verifiedAt: String
    verification: DomainVerificationRecord!
    createdAt: String!
    updatedAt: String!
  }

  enum BrandingSource {
    LOCATION
    AGENCY
    DEFAULT
  }

  "What a location's generated links carry: its verified domain, else its agency's, else the default URL."
  type LocationBranding {
    locationId: ID!
    domain: String
    source: BrandingSource!
    "https://<domain>, or the default public URL; no trailing slash"
    baseUrl: String!
  }

  "A verified branded host, for the gateway's Host routing (unverified and unknown hosts are null)."
  type BrandedHost {
    domain: String!
    organizationId: ID!
    level: BrandedDomainLevel!
    "whether requests acting in this organization are served on this host: a location's host only that location, an agency's host the agency and its locations"
    serves(organizationId: ID!): Boolean!
  }

  extend type Query {
    "the agency's own branded domain (an agency credential of that agency), or null"
    agencyBrandedDomain(companyId: ID!): BrandedDomain
    "the location's own branded domain (the location acted in), or null"
    locationBrandedDomain(locationId: ID!): BrandedDomain
    "what the location's generated links carry"
    locationBranding(locationId: ID!): LocationBranding!
    "the verified branded host named (Host header, any case, port ignored), or null; public"
    brandedHost(host: String!): BrandedHost
  }

  extend type Mutation {
    "sets or replaces the agency's domain (unverified until verifyAgencyBrandedDomain)"
    setAgencyBrandedDomain(companyId: ID!, domain: String!): BrandedDomain!
    "checks the TXT record of the agency's domain"
    verifyAgencyBrandedDomain(companyId: ID!): BrandedDomain!
    removeAgencyBrandedDomain(companyId: ID!): Boolean!
    "sets or replaces the location's domain, which overrides its agency's (unverified until verifyLocationBrandedDomain)"
    setLocationBrandedDomain(locationId: ID!, domain: String!): BrandedDomain!
    "checks the TXT record of the location's domain"
    verifyLocationBrandedDomain(locationId: ID!): BrandedDomain!
    removeLocationBrandedDomain(locationId: ID!): Boolean!
  }
`;
