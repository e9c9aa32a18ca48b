import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's agent wallet (commerce). The graph carries atomic units of USDC (6 decimals) as exact
// decimal strings; SerenAI's REST shows them as integers (`*_atomic`) beside dollars (`*_usd`,
// "$22.77": cut to cents, never rounded up).

/** Atomic units as SerenAI's `*_atomic` integers (exact up to 2^53 atomic units, $9 billion). */
export const atomicOf = (atomic: string) => Number(atomic);

/** Atomic units as SerenAI's `*_usd` strings: `$22.77`, `-$0.10`. */
export function usdOf(atomic: string): string {
  const value = BigInt(atomic);
  const negative = value < 0n;
  const cents = (negative ? -value : value) / 10_000n;
  const text = `$${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export const WalletBalanceFields = graphql(`
  fragment WalletBalanceFields on WalletBalance {
    walletAddress
    balanceAtomic
    fundedBalanceAtomic
    promotionalBalanceAtomic
    bySource {
      source
      kind
      balanceAtomic
    }
    totalPurchasesCents
    hasRecovery
    recoveryWarning
  }
`);

export const walletBalanceSchema = z.object({
  wallet_address: z.string(),
  balance_atomic: z.number().int(),
  balance_usd: z.string(),
  funded_balance_atomic: z.number().int().describe('funded balance (deposits)'),
  funded_balance_usd: z.string(),
  promotional_balance_atomic: z
    .number()
    .int()
    .describe('promotional balance (bonuses, daily claims, referrals); spent before funded credit'),
  promotional_balance_usd: z.string(),
  by_source: z.array(
    z.object({
      source: z.string(),
      kind: z.enum(['funded', 'promotional']),
      balance_atomic: z.number().int(),
      balance_usd: z.string(),
    }),
  ),
  total_purchases_cents: z.number().int().describe('lifetime card deposits in cents'),
  total_purchases_usd: z.string(),
  has_recovery: z.boolean(),
  recovery_warning: z.string().nullable(),
});

export function walletBalanceToRest(
  ref: FragmentOf<typeof WalletBalanceFields>,
): z.input<typeof walletBalanceSchema> {
  const w = readFragment(WalletBalanceFields, ref);
  const cents = Number(w.totalPurchasesCents);
  return {
    wallet_address: w.walletAddress,
    balance_atomic: atomicOf(w.balanceAtomic),
    balance_usd: usdOf(w.balanceAtomic),
    funded_balance_atomic: atomicOf(w.fundedBalanceAtomic),
    funded_balance_usd: usdOf(w.fundedBalanceAtomic),
    promotional_balance_atomic: atomicOf(w.promotionalBalanceAtomic),
    promotional_balance_usd: usdOf(w.promotionalBalanceAtomic),
    by_source: w.bySource.map((s) => ({
      source: s.source,
      kind: s.kind === 'FUNDED' ? 'funded' : 'promotional',
      balance_atomic: atomicOf(s.balanceAtomic),
      balance_usd: usdOf(s.balanceAtomic),
    })),
    total_purchases_cents: cents,
    total_purchases_usd: usdOf(String(BigInt(w.totalPurchasesCents) * 10_000n)),
    has_recovery: w.hasRecovery,
    recovery_warning: w.recoveryWarning,
  };
}
