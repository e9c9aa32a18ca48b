import gql from 'graphql-tag';

/** The identity subgraph's part for wallet recovery; ../schema.ts merges every feature's. Side-effect free. */
export const recoveryTypeDefs = gql`
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

  extend type Mutation {
    setupRecovery(email: String): RecoverySetup!
    "public"
    recoverWallet(recoveryCode: String!): WalletRecovery!
  }
`;
