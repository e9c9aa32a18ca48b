import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { atomicOf, usdOf } from './wallet.js';

// One movement of the agent wallet, or (source `usage`, without include_usage) one UTC day's usage
// debits at one publisher, summed.

export const WalletTransactionFields = graphql(`
  fragment WalletTransactionFields on WalletTransaction {
    id
    direction
    source
    amountAtomic
    description
    publisherId
    publisherName
    balanceAfterAtomic
    usageCount
    createdAt
  }
`);

export const walletTransactionSchema = z.object({
  id: z.string(),
  direction: z.enum(['credit', 'debit']),
  source: z.string(),
  amount_atomic: z.number().int().describe('unsigned; `direction` says which way'),
  amount_usd: z.string(),
  description: z.string(),
  publisher_id: z.string().nullable(),
  publisher_name: z.string().nullable(),
  balance_after_atomic: z.number().int().nullable().describe('the balance right after a debit (debits only)'),
  balance_after_usd: z.string().nullable(),
  usage_count: z.number().int().describe('usage debits an aggregated row sums; 1 otherwise'),
  created_at: z.string(),
});

export function walletTransactionToRest(
  ref: FragmentOf<typeof WalletTransactionFields>,
): z.input<typeof walletTransactionSchema> {
  const t = readFragment(WalletTransactionFields, ref);
  const debit = t.direction === 'DEBIT';
  return {
    id: t.id,
    direction: debit ? 'debit' : 'credit',
    source: t.source,
    amount_atomic: atomicOf(t.amountAtomic),
    amount_usd: usdOf(t.amountAtomic),
    description: t.description,
    publisher_id: t.publisherId,
    publisher_name: t.publisherName,
    balance_after_atomic: debit ? atomicOf(t.balanceAfterAtomic) : null,
    balance_after_usd: debit ? usdOf(t.balanceAfterAtomic) : null,
    usage_count: t.usageCount,
    created_at: t.createdAt,
  };
}

export const WalletTransactionSummaryFields = graphql(`
  fragment WalletTransactionSummaryFields on WalletTransactionSummary {
    startingBalanceAtomic
    totalCreditsAtomic
    totalDebitsAtomic
    netChangeAtomic
    endingBalanceAtomic
    transactionCount
    periodStart
    periodEnd
  }
`);

export const walletTransactionSummarySchema = z.object({
  starting_balance_atomic: z.number().int().describe('the balance just before the period'),
  starting_balance_usd: z.string(),
  total_credits_atomic: z.number().int(),
  total_credits_usd: z.string(),
  total_debits_atomic: z.number().int().describe('positive: what was spent'),
  total_debits_usd: z.string(),
  net_change_atomic: z.number().int().describe('credits minus debits; may be negative'),
  net_change_usd: z.string(),
  ending_balance_atomic: z.number().int(),
  ending_balance_usd: z.string(),
  transaction_count: z.number().int(),
  period_start: z.string().nullable(),
  period_end: z.string().nullable(),
});

export function walletTransactionSummaryToRest(
  ref: FragmentOf<typeof WalletTransactionSummaryFields>,
): z.input<typeof walletTransactionSummarySchema> {
  const s = readFragment(WalletTransactionSummaryFields, ref);
  return {
    starting_balance_atomic: atomicOf(s.startingBalanceAtomic),
    starting_balance_usd: usdOf(s.startingBalanceAtomic),
    total_credits_atomic: atomicOf(s.totalCreditsAtomic),
    total_credits_usd: usdOf(s.totalCreditsAtomic),
    total_debits_atomic: atomicOf(s.totalDebitsAtomic),
    total_debits_usd: usdOf(s.totalDebitsAtomic),
    net_change_atomic: atomicOf(s.netChangeAtomic),
    net_change_usd: usdOf(s.netChangeAtomic),
    ending_balance_atomic: atomicOf(s.endingBalanceAtomic),
    ending_balance_usd: usdOf(s.endingBalanceAtomic),
    transaction_count: s.transactionCount,
    period_start: s.periodStart,
    period_end: s.periodEnd,
  };
}
