import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { atomicOf, usdOf } from './wallet.js';

// The wallet's promotions (commerce): one-time bonuses, the daily claim and its eligibility, and
// referrals. All credit the promotional balance.

export const WalletBonusClaimFields = graphql(`
  fragment WalletBonusClaimFields on WalletBonusClaim {
    bonusType
    amountAtomic
  }
`);

export const bonusClaimSchema = z.object({
  success: z.boolean(),
  amount_atomic: z.number().int(),
  amount_usd: z.string(),
  bonus_type: z.enum(['signup', 'payment_method']),
});

export function bonusClaimToRest(
  ref: FragmentOf<typeof WalletBonusClaimFields>,
): z.input<typeof bonusClaimSchema> {
  const b = readFragment(WalletBonusClaimFields, ref);
  return {
    success: true,
    amount_atomic: atomicOf(b.amountAtomic),
    amount_usd: usdOf(b.amountAtomic),
    bonus_type: b.bonusType === 'SIGNUP' ? 'signup' : 'payment_method',
  };
}

export const DailyCreditsClaimFields = graphql(`
  fragment DailyCreditsClaimFields on DailyCreditsClaim {
    amountAtomic
    balanceAtomic
    claimsRemainingThisMonth
  }
`);

export const dailyClaimSchema = z.object({
  success: z.boolean(),
  amount_atomic: z.number().int(),
  amount_usd: z.string(),
  balance_atomic: z.number().int(),
  balance_usd: z.string(),
  claims_remaining_this_month: z.number().int(),
});

export function dailyClaimToRest(
  ref: FragmentOf<typeof DailyCreditsClaimFields>,
): z.input<typeof dailyClaimSchema> {
  const d = readFragment(DailyCreditsClaimFields, ref);
  return {
    success: true,
    amount_atomic: atomicOf(d.amountAtomic),
    amount_usd: usdOf(d.amountAtomic),
    balance_atomic: atomicOf(d.balanceAtomic),
    balance_usd: usdOf(d.balanceAtomic),
    claims_remaining_this_month: d.claimsRemainingThisMonth,
  };
}

export const DailyClaimEligibilityFields = graphql(`
  fragment DailyClaimEligibilityFields on DailyClaimEligibility {
    canClaim
    reason
    claimsRemainingThisMonth
    claimAmountAtomic
    resetsInSeconds
  }
`);

export const dailyEligibilitySchema = z.object({
  can_claim: z.boolean(),
  claim_amount_usd: z.string().nullable(),
  claims_remaining_this_month: z.number().int(),
  reason: z.string().nullable().describe('ALREADY_CLAIMED_TODAY, MONTHLY_LIMIT_REACHED or RECOVERY_REQUIRED'),
  resets_in_seconds: z.number().int().nullable().describe('to midnight UTC, when today was claimed'),
});

export function dailyEligibilityToRest(
  ref: FragmentOf<typeof DailyClaimEligibilityFields>,
): z.input<typeof dailyEligibilitySchema> {
  const e = readFragment(DailyClaimEligibilityFields, ref);
  return {
    can_claim: e.canClaim,
    claim_amount_usd: usdOf(e.claimAmountAtomic),
    claims_remaining_this_month: e.claimsRemainingThisMonth,
    reason: e.reason,
    resets_in_seconds: e.resetsInSeconds,
  };
}

export const ReferralInfoFields = graphql(`
  fragment ReferralInfoFields on ReferralInfo {
    referralCode
    referralUrl
    totalReferrals
    totalEarningsAtomic
    pendingEarningsAtomic
  }
`);

export const referralInfoSchema = z.object({
  referral_code: z.string(),
  referral_url: z.string(),
  total_referrals: z.number().int(),
  total_earnings_atomic: z.number().int(),
  total_earnings_usd: z.string(),
  pending_earnings_atomic: z.number().int(),
  pending_earnings_usd: z.string(),
});

export function referralInfoToRest(
  ref: FragmentOf<typeof ReferralInfoFields>,
): z.input<typeof referralInfoSchema> {
  const r = readFragment(ReferralInfoFields, ref);
  return {
    referral_code: r.referralCode,
    referral_url: r.referralUrl,
    total_referrals: r.totalReferrals,
    total_earnings_atomic: atomicOf(r.totalEarningsAtomic),
    total_earnings_usd: usdOf(r.totalEarningsAtomic),
    pending_earnings_atomic: atomicOf(r.pendingEarningsAtomic),
    pending_earnings_usd: usdOf(r.pendingEarningsAtomic),
  };
}
