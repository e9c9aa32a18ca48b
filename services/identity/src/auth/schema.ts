import gql from 'graphql-tag';

/** The identity subgraph's part for registration, login, tokens and passwords; ../schema.ts merges every feature's. Side-effect free. */
export const authTypeDefs = gql`
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

  extend type Mutation {
    "public: email + password account (Serelo's policy)"
    register(email: String!, password: String!, name: String!): User!
    "public"
    login(email: String!, password: String!): AuthTokens!
    "public: rotates the refresh token; reusing a spent one revokes the session"
    refreshTokens(refreshToken: String!): AuthTokens!
    "public: an agent account with a personal organization and an API key named 'agent'"
    registerAgent(name: String): AgentRegistration!
    """
    agents only (FORBIDDEN AGENT_ONLY for people): sets a pending email, which becomes the login and reset
    address once the link mailed to it is followed; the old address is told. Answers the address just
    set, unverified, whether or not another account has it (that account's owner is told by mail).
    """
    updateAgent(email: String!): User!
    changePassword(currentPassword: String!, newPassword: String!): Boolean!
    "public: always true, whether or not the account exists"
    forgotPassword(email: String!): Boolean!
    "public: always true, whether or not the account exists"
    resendVerification(email: String!): Boolean!
    "public"
    resetPassword(token: String!, newPassword: String!): Boolean!
    "public: verifies the email and logs the user in"
    verifyEmail(token: String!): AuthTokens!
  }
`;
