import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI low-balance notices (commerce service, the publisher proxy): a publisher's pricing names a
// `low_balance_threshold`; a wallet-paid call to it whose capture leaves the agent's spendable
// balance (funded + promotional of the call's asset, what is held for calls in flight not counted)
// below that threshold appends this event, once per crossing: the next one comes only after a call
// to that publisher found the balance at or above the threshold again (a top-up, a refund). One
// stream per crossing, `low-balance-notice-<callId>` (the call that crossed), aggregate
// `low_balance_notice` (topic `commerce.low_balance_notice`), appended in the statement that
// captured the call (proxy_hold_settle). Amounts are atomic units (USDC: 6 decimals) as decimal
// strings of integers.

const id = z.string().min(1);
const atomic = z.string().regex(/^\d+$/, 'a non-negative integer of atomic units');

export const LowBalanceThresholdCrossed = defineEvent({
  type: 'LowBalanceThresholdCrossed',
  version: 1,
  domain: 'commerce',
  aggregate: 'low_balance_notice',
  description:
    "A paid call left the agent's wallet below the publisher's low_balance_threshold (once per crossing, not on every call below it).",
  schema: z.object({
    /** the organization whose wallet paid */
    organizationId: id,
    /** who publishers know the agent by: the organization's agent wallet address */
    agentWallet: id,
    /** the calling agent (user id of the credential); null when not known (an organization key) */
    agentId: id.nullable(),
    publisherId: id,
    publisherSlug: id,
    /** the call whose capture crossed the threshold (its PublisherCallCompleted has the same callId) */
    callId: id,
    asset: z.literal('USDC'),
    /** the spendable balance after the call: funded + promotional, holds of calls in flight excluded */
    balance: atomic,
    /** the publisher's low_balance_threshold at the time of the call */
    threshold: atomic,
    at: z.iso.datetime(),
  }),
});

export const lowBalanceEvents = [LowBalanceThresholdCrossed] as const;
