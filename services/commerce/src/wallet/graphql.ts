import { resolver, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import type { WalletTransactionView } from './queries.js';
import {
  applyReferralCode,
  claimBonus,
  claimDailyCredits,
  dailyClaimEligibility,
  getReferralInfo,
  getWalletBalance,
  listWalletTransactions,
  walletTransactionSummary,
  type BonusClaimView,
  type DailyClaimView,
  type DailyEligibilityView,
  type ReferralInfoView,
  type WalletBalanceView,
  type WalletSummaryView,
} from './service.js';

type Key = { idempotencyKey?: string | null };
const text = (amount: bigint) => amount.toString();

export function walletResolvers(commerce: Commerce): Resolvers {
  return {
    Query: {
      walletBalance: resolver(commerce, (c, request) => getWalletBalance(c, request)),
      walletTransactions: resolver(
        commerce,
        (
          c,
          request,
          args: {
            limit?: number | null;
            offset?: number | null;
            includeUsage?: boolean | null;
            startDate?: string | null;
            endDate?: string | null;
          },
        ) => listWalletTransactions(c, request, args),
      ),
      walletTransactionSummary: resolver(
        commerce,
        (c, request, args: { startDate?: string | null; endDate?: string | null }) =>
          walletTransactionSummary(c, request, args),
      ),
      dailyClaimEligibility: resolver(commerce, (c, request) => dailyClaimEligibility(c, request)),
      referralInfo: resolver(commerce, (c, request) => getReferralInfo(c, request)),
    },
    Mutation: {
      claimSignupBonus: resolver(commerce, (c, request, args: Key) =>
        claimBonus(c, request, 'signup', args.idempotencyKey),
      ),
      claimPaymentMethodBonus: resolver(commerce, (c, request, args: Key) =>
        claimBonus(c, request, 'payment_method', args.idempotencyKey),
      ),
      claimDailyCredits: resolver(commerce, (c, request, args: Key) =>
        claimDailyCredits(c, request, args.idempotencyKey),
      ),
      applyReferralCode: resolver(commerce, (c, request, args: { referralCode: string }) =>
        applyReferralCode(c, request, args),
      ),
    },
    WalletBalance: {
      balanceAtomic: (w: WalletBalanceView) => text(w.balance),
      fundedBalanceAtomic: (w: WalletBalanceView) => text(w.funded),
      promotionalBalanceAtomic: (w: WalletBalanceView) => text(w.promotional),
      totalPurchasesCents: (w: WalletBalanceView) => text(w.totalPurchasesCents),
    },
    WalletSourceBalance: {
      kind: (s: WalletBalanceView['bySource'][number]) => s.kind.toUpperCase(),
      balanceAtomic: (s: WalletBalanceView['bySource'][number]) => text(s.balance),
    },
    WalletTransaction: {
      direction: (t: WalletTransactionView) => t.direction.toUpperCase(),
      amountAtomic: (t: WalletTransactionView) => text(t.amount),
      balanceAfterAtomic: (t: WalletTransactionView) => text(t.balanceAfter),
      createdAt: (t: WalletTransactionView) => t.createdAt.toISOString(),
    },
    WalletTransactionSummary: {
      startingBalanceAtomic: (s: WalletSummaryView) => text(s.startingBalance),
      totalCreditsAtomic: (s: WalletSummaryView) => text(s.totalCredits),
      totalDebitsAtomic: (s: WalletSummaryView) => text(s.totalDebits),
      netChangeAtomic: (s: WalletSummaryView) => text(s.netChange),
      endingBalanceAtomic: (s: WalletSummaryView) => text(s.endingBalance),
    },
    WalletBonusClaim: {
      bonusType: (b: BonusClaimView) => b.bonusType.toUpperCase(),
      amountAtomic: (b: BonusClaimView) => text(b.amount),
    },
    DailyCreditsClaim: {
      amountAtomic: (d: DailyClaimView) => text(d.amount),
      balanceAtomic: (d: DailyClaimView) => text(d.balance),
    },
    DailyClaimEligibility: {
      claimAmountAtomic: (e: DailyEligibilityView) => text(e.claimAmount),
    },
    ReferralInfo: {
      referralCode: (r: ReferralInfoView) => r.code,
      referralUrl: (r: ReferralInfoView) => r.url,
      totalEarningsAtomic: (r: ReferralInfoView) => text(r.totalEarnings),
      pendingEarningsAtomic: (r: ReferralInfoView) => text(r.pendingEarnings),
    },
    ReferralApplication: {
      referralCode: (r: { code: string }) => r.code,
    },
  };
}
