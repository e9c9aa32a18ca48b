import gql from 'graphql-tag';

/** The crm subgraph's part for the credential store; ../schema.ts merges every feature's. Side-effect free. */
export const credentialsTypeDefs = gql`
  "One secret of a credential: its key and its masked form (the value is never answered)."
  type CredentialValue {
    key: String!
    "e.g. sk_…1234"
    masked: String!
  }

  "A location's stored credential (spec 4.2): secrets custom webhook actions send, sealed at rest, masked in every read."
  type Credential @key(fields: "id") {
    id: ID!
    locationId: ID!
    name: String!
    "api_key, bearer, basic, header or other"
    kind: String!
    values: [CredentialValue!]!
    "the secrets' version: 1 at creation, + 1 per rotation"
    version: Int!
    createdAt: String!
    updatedAt: String!
    rotatedAt: String
  }

  input CredentialSecretInput {
    "a letter, then letters, digits, _ . - (up to 64)"
    key: String!
    value: String!
  }

  input CreateCredentialInput {
    "1-100 characters, unique in the location (any case)"
    name: String!
    "api_key, bearer (values.token), basic (values.username, values.password), header (values.name, values.value) or other; default other"
    kind: String
    "1-20 secrets"
    values: [CredentialSecretInput!]!
  }

  extend type Query {
    "the caller's location's credentials, by name, masked"
    credentials: [Credential!]!
    credential(id: ID!): Credential!
  }

  extend type Mutation {
    createCredential(input: CreateCredentialInput!): Credential!
    "new values for the keys given (others kept); the previous version stays usable until the next rotation"
    rotateCredential(id: ID!, values: [CredentialSecretInput!]!): Credential!
    deleteCredential(id: ID!): Boolean!
  }
`;
