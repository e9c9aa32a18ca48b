import {
  DailyCreditsClaimed,
  ReferralCodeApplied,
  ReferralCodeAssigned,
  ReferralRewardPaid,
  WalletBonusClaimed,
  walletEvents,
  type EventOf,
} from '@seren/contracts';

export type WalletEvent = EventOf<
  [
    typeof WalletBonusClaimed,
    typeof DailyCreditsClaimed,
    typeof ReferralCodeAssigned,
    typeof ReferralCodeApplied,
    typeof ReferralRewardPaid,
  ]
>;

export const walletContracts = walletEvents;

/** One wallet per organization (the agent's personal organization, or a team's). */
export const walletStream = (organizationId: string) => `wallet-${organizationId}`;

export type BonusType = 'signup' | 'payment_method';

/**
 * What a wallet's promotions decide on. Balances are not here: they are the ledger's (journal
 * projections); this stream only remembers which one-time and daily facts already happened.
 */
export interface WalletState {
  bonusesClaimed: BonusType[];
  /** UTC days (YYYY-MM-DD) whose daily credits were claimed */
  dailyClaims: string[];
  referralCode: string | null;
  referrerOrganizationId: string | null;
  /** the wallets this one was paid a referral reward for */
  rewardedReferrals: string[];
}

export const initialWalletState = (): WalletState => ({
  bonusesClaimed: [],
  dailyClaims: [],
  referralCode: null,
  referrerOrganizationId: null,
  rewardedReferrals: [],
});

export function evolveWallet(state: WalletState, event: WalletEvent): WalletState {
  switch (event.type) {
    case 'WalletBonusClaimed':
      return { ...state, bonusesClaimed: [...state.bonusesClaimed, event.data.bonusType] };
    case 'DailyCreditsClaimed':
      return { ...state, dailyClaims: [...state.dailyClaims, event.data.day] };
    case 'ReferralCodeAssigned':
      return { ...state, referralCode: event.data.code };
    case 'ReferralCodeApplied':
      return { ...state, referrerOrganizationId: event.data.referrerOrganizationId };
    case 'ReferralRewardPaid':
      return { ...state, rewardedReferrals: [...state.rewardedReferrals, event.data.referredOrganizationId] };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
