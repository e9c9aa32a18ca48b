import gql from 'graphql-tag';

/** The identity subgraph's part for the vault of third-party credentials. Side-effect free. */
export const vaultTypeDefs = gql`
  enum VaultCredentialKind {
    API_KEY
    OAUTH_TOKEN
    PASSWORD
    OTHER
  }

  "A third-party credential an organization's integrations use, sealed at rest: only its masked form is ever shown."
  type VaultCredential {
    id: ID!
    organizationId: ID!
    name: String!
    kind: VaultCredentialKind!
    "e.g. sk_…1234"
    masked: String!
    createdBy: ID
    createdAt: String!
    updatedAt: String!
  }

  extend type Query {
    vaultCredentials(organizationId: ID!): [VaultCredential!]!
  }

  extend type Mutation {
    "seals the value under name (the same name again replaces the value); the answer shows it masked"
    storeVaultCredential(
      organizationId: ID!
      name: String!
      kind: VaultCredentialKind
      value: String!
    ): VaultCredential!
    deleteVaultCredential(organizationId: ID!, credentialId: ID!): VaultCredential!
  }
`;
