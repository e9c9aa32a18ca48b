import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI deposits on-chain by the x402 protocol (commerce service). Stream `x402-deposit-<tx hash>`,
// aggregate `x402_deposit`. One event per settled EIP-3009 authorization: the USDC transfer to the
// treasury was mined, and the organization's funded balance was credited by one ledger entry (kind
// `deposit_x402`, reference the transaction hash), once whatever the client retries or replays.

const id = z.string().min(1);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);

export const X402DepositSettled = defineEvent({
  type: 'X402DepositSettled',
  version: 1,
  domain: 'commerce',
  aggregate: 'x402_deposit',
  description:
    "An x402 payment (scheme exact, EIP-3009 transferWithAuthorization) settled on-chain and its amount was credited to the organization's funded USDC balance.",
  schema: z.object({
    organizationId: id,
    publisherId: id,
    /** the settled transaction, the ledger entry's reference */
    txHash: z.string().regex(/^0x[0-9a-f]{64}$/),
    /** x402 protocol version of the payment (1: X-PAYMENT, 2: PAYMENT-SIGNATURE) */
    x402Version: z.union([z.literal(1), z.literal(2)]),
    /** the network as the payment named it: `base-sepolia` (v1) or CAIP-2 `eip155:84532` (v2) */
    network: id,
    /** the on-chain payer (the authorization's `from`) */
    payer: address,
    /** USDC atomic units (6 decimals), as a decimal string */
    amountAtomic: z.string().regex(/^\d+$/),
    /** the authorization's nonce (bytes32), which the token refuses to use twice */
    nonce: z.string().regex(/^0x[0-9a-f]{64}$/),
    /** the ledger entry that credited it */
    entryId: id,
    settledAt: z.iso.datetime(),
  }),
});

export const x402DepositEvents = [X402DepositSettled] as const;
