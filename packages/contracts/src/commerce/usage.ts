import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI usage (commerce service): one event per paid call to a publisher, whatever carried it —
// the proxy (`GET|POST /publishers/{slug}/{path}`, the API root), a database query (`POST
// /publishers/{slug}`) or an agent task. Stream `publisher-call-<callId>`, aggregate
// `publisher_call` (topic `commerce.publisher_call`). It feeds the publisher's earnings and
// analytics, the organization's plan quota and usage reports.
//
// Money: the call's price is held before the upstream runs (a ledger hold on the agent's wallet,
// or an x402 authorization verified but not yet settled), then captured on a 2xx (`captured`: the
// cost went to the publisher's earnings) or released on a failure, a 5xx or a timeout
// (`released`: the caller paid nothing, `cost` is what was held). `free`: nothing was priced
// (a price of 0). Amounts are atomic units (USDC: 6 decimals) as decimal strings of integers.
// No secret (upstream credentials, headers, SQL parameters) is ever part of this event.

const id = z.string().min(1);
const atomic = z.string().regex(/^\d+$/, 'an integer amount of atomic units');

export const PublisherCallCompleted = defineEvent({
  type: 'PublisherCallCompleted',
  version: 1,
  domain: 'commerce',
  aggregate: 'publisher_call',
  description:
    "A call to a publisher ended: its price was captured into the publisher's earnings (2xx), released back to the caller (failure, 5xx, timeout), or it was free.",
  schema: z.object({
    callId: id,
    publisherId: id,
    /** the caller's organization (whose wallet paid); null for an anonymous caller paying per request with x402 */
    organizationId: id.nullable(),
    /** the calling agent (user id of the credential); null when not known (x402 without credentials, an organization key) */
    agentId: id.nullable(),
    /** who publishers know the caller by: the organization's agent wallet, or the x402 payer's address */
    agentWallet: id,
    /** what carried the call */
    kind: z.enum(['proxy', 'query', 'task']),
    /** how it was paid: the prepaid wallet (a ledger hold), an x402 payment per request; null when free */
    paidWith: z.enum(['wallet', 'x402']).nullable(),
    asset: z.literal('USDC'),
    /** captured: what the caller paid; released: what was held and given back; free: "0" */
    cost: atomic,
    /** rows returned by a database query (what it is priced on); null for other calls */
    rows: z.number().int().nonnegative().nullable(),
    /** wall time of the upstream call, in milliseconds */
    latencyMs: z.number().int().nonnegative(),
    /** the upstream's HTTP status; null when it gave none (timeout, refused connection, a failed query) */
    status: z.number().int().min(100).max(599).nullable(),
    outcome: z.enum(['captured', 'released', 'free']),
    /** the journal entry that moved the money on capture (null when released or free) */
    entryId: id.nullable(),
    /** the x402 settlement's transaction hash when paid per request */
    txHash: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/)
      .nullable(),
    at: z.iso.datetime(),
  }),
});

export const publisherCallEvents = [PublisherCallCompleted] as const;
