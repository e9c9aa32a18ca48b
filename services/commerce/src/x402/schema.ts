import gql from 'graphql-tag';

export const x402TypeDefs = gql`
  "a payment kind the in-process x402 facilitator verifies and settles"
  type X402SupportedKind {
    "x402 protocol version: 1 (X-PAYMENT, named networks) or 2 (PAYMENT-SIGNATURE, CAIP-2)"
    x402Version: Int!
    "the payment scheme, exact (EIP-3009 transferWithAuthorization)"
    scheme: String!
    "base-sepolia (v1) or eip155:<chain id> (v2)"
    network: String!
  }

  "the addresses that settle for a network family"
  type X402Signers {
    "a CAIP-2 family pattern, e.g. eip155:*"
    family: String!
    addresses: [String!]!
  }

  "the facilitator's discovery document (GET /payments/supported)"
  type X402Supported {
    kinds: [X402SupportedKind!]!
    extensions: [String!]!
    signers: [X402Signers!]!
  }

  extend type Query {
    "the x402 payment kinds, extensions and signers of commerce's facilitator (public)"
    x402Supported: X402Supported!
  }
`;
