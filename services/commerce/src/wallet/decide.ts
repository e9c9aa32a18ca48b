import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveWallet,
  initialWalletState,
  type BonusType,
  type WalletEvent,
  type WalletState,
} from './wallet.js';

export type WalletCommand =
  | {
      type: 'ClaimBonus';
      bonusType: BonusType;
      organizationId: string;
      userId: string;
      /** identity's fact, as commerce last heard it (RecoveryCodeIssued) */
      recoverySetUp: boolean;
      amountAtomic: bigint;
      now: string;
    }
  | {
      type: 'ClaimDailyCredits';
      organizationId: string;
      userId: string;
      recoverySetUp: boolean;
      amountAtomic: bigint;
      maxClaimsPerMonth: number;
      now: string;
    }
  | { type: 'AssignReferralCode'; organizationId: string; userId: string; code: string; now: string }
  | {
      type: 'ApplyReferralCode';
      organizationId: string;
      userId: string;
      code: string;
      /** the code's owner, or null when no wallet has this code */
      referrer: { organizationId: string; userId: string } | null;
      now: string;
    }
  | {
      type: 'PayReferralReward';
      organizationId: string;
      referredOrganizationId: string;
      amountAtomic: bigint;
      now: string;
    };

export type WalletReason =
  | 'RECOVERY_REQUIRED'
  | 'BONUS_ALREADY_CLAIMED'
  | 'ALREADY_CLAIMED_TODAY'
  | 'MONTHLY_LIMIT_REACHED'
  | 'INVALID_REFERRAL_CODE'
  | 'SELF_REFERRAL'
  | 'ALREADY_REFERRED'
  | 'PAYMENT_METHOD_REQUIRED';
export const walletErrors = domainErrorsOf<WalletReason>();

/** The spec's message for every promotion claimed before wallet recovery is set up. */
export const RECOVERY_REQUIRED_MESSAGE = 'Recovery setup required';

export const ledgerKindOfBonus = { signup: 'bonus_signup', payment_method: 'bonus_payment_method' } as const;

export const utcDay = (iso: string) => iso.slice(0, 10);

export interface DailyEligibility {
  canClaim: boolean;
  reason: WalletReason | null;
  claimsRemainingThisMonth: number;
  /** seconds to the next UTC midnight, when the day's claim is already taken */
  resetsInSeconds: number | null;
}

/** Whether the daily credits can be claimed now: recovery set up, not yet today, within the month's count. */
export function dailyEligibility(
  state: WalletState,
  input: { recoverySetUp: boolean; maxClaimsPerMonth: number; now: string },
): DailyEligibility {
  const today = utcDay(input.now);
  const month = today.slice(0, 7);
  const thisMonth = state.dailyClaims.filter((day) => day.startsWith(month)).length;
  const claimsRemainingThisMonth = Math.max(0, input.maxClaimsPerMonth - thisMonth);
  if (state.dailyClaims.includes(today)) {
    const now = Date.parse(input.now);
    const midnight = Date.parse(`${today}T00:00:00.000Z`) + 86_400_000;
    return {
      canClaim: false,
      reason: 'ALREADY_CLAIMED_TODAY',
      claimsRemainingThisMonth,
      resetsInSeconds: Math.ceil((midnight - now) / 1000),
    };
  }
  if (claimsRemainingThisMonth === 0)
    return {
      canClaim: false,
      reason: 'MONTHLY_LIMIT_REACHED',
      claimsRemainingThisMonth,
      resetsInSeconds: null,
    };
  if (!input.recoverySetUp)
    return { canClaim: false, reason: 'RECOVERY_REQUIRED', claimsRemainingThisMonth, resetsInSeconds: null };
  return { canClaim: true, reason: null, claimsRemainingThisMonth, resetsInSeconds: null };
}

const recoveryRequired = () =>
  walletErrors.forbidden(RECOVERY_REQUIRED_MESSAGE, { reason: 'RECOVERY_REQUIRED' });

export function decideWallet(command: WalletCommand, state: WalletState): WalletEvent[] {
  switch (command.type) {
    case 'ClaimBonus': {
      if (!command.recoverySetUp) throw recoveryRequired();
      if (state.bonusesClaimed.includes(command.bonusType))
        throw walletErrors.conflict('Bonus already claimed', { reason: 'BONUS_ALREADY_CLAIMED' });
      return [
        {
          type: 'WalletBonusClaimed',
          data: {
            organizationId: command.organizationId,
            userId: command.userId,
            bonusType: command.bonusType,
            amountAtomic: command.amountAtomic.toString(),
            ledgerKind: ledgerKindOfBonus[command.bonusType],
            ledgerReference: command.organizationId,
            claimedAt: command.now,
          },
        },
      ];
    }
    case 'ClaimDailyCredits': {
      if (!command.recoverySetUp) throw recoveryRequired();
      const eligibility = dailyEligibility(state, command);
      if (!eligibility.canClaim)
        throw walletErrors.validationError(
          eligibility.reason === 'ALREADY_CLAIMED_TODAY'
            ? 'Not eligible for daily claim: already claimed today (resets at midnight UTC)'
            : "Not eligible for daily claim: this month's claims are used up",
          { reason: eligibility.reason ?? undefined },
        );
      const day = utcDay(command.now);
      return [
        {
          type: 'DailyCreditsClaimed',
          data: {
            organizationId: command.organizationId,
            userId: command.userId,
            day,
            amountAtomic: command.amountAtomic.toString(),
            ledgerKind: 'daily_claim',
            ledgerReference: `${command.organizationId}:${day}`,
            claimedAt: command.now,
          },
        },
      ];
    }
    case 'AssignReferralCode':
      // a wallet keeps its first code; a concurrent first read that lost the race assigns nothing
      if (state.referralCode !== null) return [];
      return [
        {
          type: 'ReferralCodeAssigned',
          data: {
            organizationId: command.organizationId,
            userId: command.userId,
            code: command.code,
            assignedAt: command.now,
          },
        },
      ];
    case 'ApplyReferralCode': {
      if (!command.referrer)
        throw walletErrors.validationError('Invalid referral code', {
          reason: 'INVALID_REFERRAL_CODE',
          field: 'referral_code',
        });
      if (
        command.referrer.organizationId === command.organizationId ||
        command.referrer.userId === command.userId
      )
        throw walletErrors.validationError('Invalid referral code: you cannot refer yourself', {
          reason: 'SELF_REFERRAL',
          field: 'referral_code',
        });
      if (state.referrerOrganizationId !== null)
        throw walletErrors.conflict('Already has a referrer', { reason: 'ALREADY_REFERRED' });
      return [
        {
          type: 'ReferralCodeApplied',
          data: {
            organizationId: command.organizationId,
            userId: command.userId,
            code: command.code,
            referrerOrganizationId: command.referrer.organizationId,
            appliedAt: command.now,
          },
        },
      ];
    }
    case 'PayReferralReward':
      // once per referred wallet, whatever retries or races bring it here again
      if (state.rewardedReferrals.includes(command.referredOrganizationId)) return [];
      return [
        {
          type: 'ReferralRewardPaid',
          data: {
            organizationId: command.organizationId,
            referredOrganizationId: command.referredOrganizationId,
            amountAtomic: command.amountAtomic.toString(),
            ledgerKind: 'referral',
            ledgerReference: command.referredOrganizationId,
            paidAt: command.now,
          },
        },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const walletDecider = {
  streamType: 'wallet',
  initialState: initialWalletState,
  evolve: evolveWallet,
  decide: decideWallet,
};
