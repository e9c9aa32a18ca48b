import type { EntityManager } from 'typeorm';
import { accounts, postEntry } from '../ledger/index.js';

/** A deposit just credited to the organization's funded balance, in the caller's transaction. */
export interface CreditedDeposit {
  organizationId: string;
  /** what the credit added to the funded balance (USDC atomic units) */
  credited: bigint;
  /** the deposit's own id (a Stripe deposit's id, an x402 settlement's transaction hash): once per deposit */
  reference: string;
  /** where the money came from, for the entry (payment intent and Stripe event, or transaction and network) */
  metadata: Record<string, string>;
  at: Date;
}

/**
 * What Stripe took back from the organization's card deposits beyond what their funded balance still
 * held (the shortfalls booked on `system:stripe_losses` by the Stripe path's depositReversed) is
 * collected from its next deposit, by card or on-chain (x402): right after that deposit's credit, in
 * its transaction, one entry of kind `stripe_shortfall_collected` (reference the deposit: once per
 * deposit, so a retried credit collects nothing more) moves up to the credited amount from the funded
 * balance back to `system:stripe_losses`. What is owed is the journal's own figure: minus the sum of
 * the organization's entries' lines on `system:stripe_losses` (shortfalls debit it, won disputes and
 * collections credit it back), read while the credit's update holds the funded balance's row lock,
 * which every reversal takes too, so a reversal and a collection of one organization take turns. A
 * deposit smaller than the debt collects all of it and the rest waits for the next one. Answers what
 * was collected (0n when nothing was owed).
 */
export async function collectShortfall(tx: EntityManager, deposit: CreditedDeposit): Promise<bigint> {
  const losses = accounts.system('stripe_losses', 'USDC');
  const [{ owed }] = (await tx.query(
    `select coalesce(-sum(l.amount), 0)::text as owed
     from ledger_entries e join ledger_lines l on l.entry_id = e.id and l.account = $2
     where e.organization_id = $1`,
    [deposit.organizationId, losses],
  )) as [{ owed: string }];
  const collected = BigInt(owed) < deposit.credited ? BigInt(owed) : deposit.credited;
  if (collected <= 0n) return 0n;
  await postEntry(tx, {
    kind: 'stripe_shortfall_collected',
    reference: deposit.reference,
    organizationId: deposit.organizationId,
    lines: [
      { account: accounts.agentFunded(deposit.organizationId, 'USDC'), asset: 'USDC', amount: -collected },
      { account: losses, asset: 'USDC', amount: collected },
    ],
    metadata: {
      ...deposit.metadata,
      owed_atomic: owed,
      collected_atomic: collected.toString(),
    },
    at: deposit.at,
  });
  return collected;
}
