import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';

// SerenAI's on-chain deposits by the x402 protocol (commerce's src/x402/). The deposit is a forward: a 402 with
// payment requirements and the payment headers are not what GraphQL carries. The 402's body
// (`{x402Version: 1, error, accepts}`) has no `{code, message}`, so it passes through as commerce
// wrote it with its `PAYMENT-REQUIRED` header; 400/404 are rendered in SerenAI's error shape. The
// payment headers go in (`PAYMENT-SIGNATURE` v2, `X-PAYMENT` v1) and the settlement comes back
// (`PAYMENT-RESPONSE`, `X-PAYMENT-RESPONSE`); response headers are copied by every forward.
// `GET /payments/supported` is an operation over the supergraph (commerce's `x402Supported`).

const onchainDepositResponse = z.object({
  agent_wallet: z.string().describe('Agent wallet address'),
  asset_symbol: z.string().describe('Asset symbol (USDC)'),
  balance_amount: z.string().describe('New balance (configured asset)'),
  deposited_amount: z.string().describe('Amount deposited (configured asset)'),
  message: z.string(),
  publisher_id: z.string(),
  tx_hash: z.string().nullable().describe('On-chain transaction hash'),
});

const supportedSchema = z.object({
  kinds: z
    .array(z.object({ x402Version: z.number().int(), scheme: z.string(), network: z.string() }))
    .describe('List of supported payment kinds'),
  extensions: z.array(z.string()).nullable().describe('List of supported extensions'),
  signers: z.record(z.string(), z.array(z.string())).describe('Signer addresses by network family'),
});

export const x402Routes = [
  route.forward({
    method: 'POST',
    path: '/wallet/deposit/crypto',
    section: 'wallet',
    summary: 'Deposit configured asset via on-chain payment flow',
    description:
      'The x402 flow: without a payment header, 402 with the payment requirements (v2 in the `PAYMENT-REQUIRED` header, CAIP-2 network; ' +
      'v1 in the body, `accepts`); with `PAYMENT-SIGNATURE` (v2) or `X-PAYMENT` (v1), an EIP-3009 authorization of USDC to the treasury ' +
      '(scheme `exact`), it is settled on-chain and the wallet credited; the settlement is in `PAYMENT-RESPONSE` / `X-PAYMENT-RESPONSE`. ' +
      'An authorization is used once: a replay is 402 `invalid_exact_evm_nonce_already_used`.',
    auth: 'required',
    rateLimit: 'general',
    forward: {
      service: 'commerce',
      path: '/internal/wallet/deposit/crypto',
      headers: ['payment-signature', 'x-payment', 'x-forwarded-host', 'x-forwarded-proto'],
    },
    request: {
      body: z.object({
        amount: z.string().describe('Amount to deposit (decimal string, e.g. "10.50")'),
        asset_id: z.string().nullable().optional().describe('USDC (the default), by symbol or token address'),
        publisher_id: z.string().describe('Publisher to deposit funds for'),
      }),
    },
    response: { status: 200, description: 'Deposit successful', schema: onchainDepositResponse },
    errors: [400, 402, 404],
    bodyLimit: 16 * 1024,
  }),
  route.operation({
    method: 'GET',
    path: '/payments/supported',
    section: 'payments',
    summary: 'Supported x402 payment kinds (facilitator discovery)',
    description:
      "The in-process facilitator's kinds (x402 version, scheme, network), extensions and signers by network family.",
    auth: 'none',
    rateLimit: 'general',
    operation: graphql(`
      query SerenaiX402Supported {
        x402Supported {
          kinds {
            x402Version
            scheme
            network
          }
          extensions
          signers {
            family
            addresses
          }
        }
      }
    `),
    response: {
      status: 200,
      description: 'Supported payment kinds',
      schema: supportedSchema,
      body: ({ x402Supported: s }) => ({
        kinds: s.kinds.map((kind) => ({
          x402Version: kind.x402Version,
          scheme: kind.scheme,
          network: kind.network,
        })),
        extensions: s.extensions,
        signers: Object.fromEntries(s.signers.map((signer) => [signer.family, signer.addresses])),
      }),
    },
  }),
];
