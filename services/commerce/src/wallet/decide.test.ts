import { specOf } from '@seren/testing';
import { dailyEligibility, decideWallet, walletDecider, type WalletCommand } from './decide';
import { initialWalletState, type WalletEvent } from './wallet';

const given = specOf(walletDecider);
const now = '2026-12-01T10:00:00.000Z';
const org = 'org-1';
const user = 'user-1';

const signup: WalletCommand = {
  type: 'ClaimBonus',
  bonusType: 'signup',
  organizationId: org,
  userId: user,
  recoverySetUp: true,
  amountAtomic: 1_000_000n,
  now,
};
const signupClaimed: WalletEvent = {
  type: 'WalletBonusClaimed',
  data: {
    organizationId: org,
    userId: user,
    bonusType: 'signup',
    amountAtomic: '1000000',
    ledgerKind: 'bonus_signup',
    ledgerReference: org,
    claimedAt: now,
  },
};
const daily = (at: string): WalletCommand => ({
  type: 'ClaimDailyCredits',
  organizationId: org,
  userId: user,
  recoverySetUp: true,
  amountAtomic: 100_000n,
  maxClaimsPerMonth: 3,
  now: at,
});
const dailyClaimed = (day: string): WalletEvent => ({
  type: 'DailyCreditsClaimed',
  data: {
    organizationId: org,
    userId: user,
    day,
    amountAtomic: '100000',
    ledgerKind: 'daily_claim',
    ledgerReference: `${org}:${day}`,
    claimedAt: `${day}T10:00:00.000Z`,
  },
});

describe('wallet bonuses', () => {
  it('credits the signup bonus once, as a fact the ledger cannot apply twice', () =>
    given([]).when(signup).then([signupClaimed]));

  it('refuses a bonus before recovery is set up with 403 "Recovery setup required"', () => {
    given([])
      .when({ ...signup, recoverySetUp: false })
      .thenThrows({ code: 'FORBIDDEN', reason: 'RECOVERY_REQUIRED' });
    expect(() => decideWallet({ ...signup, recoverySetUp: false }, initialWalletState())).toThrow(
      'Recovery setup required',
    );
  });

  it('refuses a second claim of the same bonus with 409, but not the other bonus', () => {
    given([signupClaimed]).when(signup).thenThrows({ code: 'CONFLICT', reason: 'BONUS_ALREADY_CLAIMED' });
    given([signupClaimed])
      .when({ ...signup, bonusType: 'payment_method' })
      .then([
        {
          type: 'WalletBonusClaimed',
          data: { ...signupClaimed.data, bonusType: 'payment_method', ledgerKind: 'bonus_payment_method' },
        } as WalletEvent,
      ]);
  });
});

describe('daily credits', () => {
  it('claims once per UTC day', () => {
    given([])
      .when(daily(now))
      .then([dailyClaimed('2026-12-01')]);
    given([dailyClaimed('2026-12-01')])
      .when(daily('2026-12-01T23:59:59.000Z'))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'ALREADY_CLAIMED_TODAY' });
    given([dailyClaimed('2026-12-01')])
      .when(daily('2026-12-02T00:00:00.000Z'))
      .then(
        [dailyClaimed('2026-12-02') as WalletEvent].map((e) => ({
          ...e,
          data: { ...e.data, claimedAt: '2026-12-02T00:00:00.000Z' },
        })) as WalletEvent[],
      );
  });

  it("stops at the month's number of claims and starts again next month", () => {
    const three = ['2026-12-01', '2026-12-02', '2026-12-03'].map(dailyClaimed);
    given(three)
      .when(daily('2026-12-04T08:00:00.000Z'))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'MONTHLY_LIMIT_REACHED' });
    given([...three.slice(0, 2), dailyClaimed('2026-11-30')])
      .when(daily('2026-12-04T08:00:00.000Z'))
      .then([
        {
          ...dailyClaimed('2026-12-04'),
          data: { ...dailyClaimed('2026-12-04').data, claimedAt: '2026-12-04T08:00:00.000Z' },
        } as WalletEvent,
      ]);
  });

  it('refuses before recovery is set up with 403', () =>
    given([])
      .when({ ...daily(now), recoverySetUp: false } as WalletCommand)
      .thenThrows({ code: 'FORBIDDEN', reason: 'RECOVERY_REQUIRED' }));

  it('tells eligibility with the seconds to midnight UTC once claimed', () => {
    const state = walletDecider.evolve(initialWalletState(), dailyClaimed('2026-12-01'));
    expect(
      dailyEligibility(state, { recoverySetUp: true, maxClaimsPerMonth: 3, now: '2026-12-01T23:00:00.000Z' }),
    ).toEqual({
      canClaim: false,
      reason: 'ALREADY_CLAIMED_TODAY',
      claimsRemainingThisMonth: 2,
      resetsInSeconds: 3600,
    });
    expect(
      dailyEligibility(initialWalletState(), { recoverySetUp: true, maxClaimsPerMonth: 3, now }),
    ).toEqual({
      canClaim: true,
      reason: null,
      claimsRemainingThisMonth: 3,
      resetsInSeconds: null,
    });
    expect(
      dailyEligibility(initialWalletState(), { recoverySetUp: false, maxClaimsPerMonth: 3, now }).reason,
    ).toBe('RECOVERY_REQUIRED');
  });
});

describe('referrals', () => {
  const assigned: WalletEvent = {
    type: 'ReferralCodeAssigned',
    data: { organizationId: org, userId: user, code: 'ABCD2345', assignedAt: now },
  };
  const apply = (referrer: { organizationId: string; userId: string } | null): WalletCommand => ({
    type: 'ApplyReferralCode',
    organizationId: org,
    userId: user,
    code: 'WXYZ6789',
    referrer,
    now,
  });
  const applied: WalletEvent = {
    type: 'ReferralCodeApplied',
    data: {
      organizationId: org,
      userId: user,
      code: 'WXYZ6789',
      referrerOrganizationId: 'org-2',
      appliedAt: now,
    },
  };

  it('keeps the first referral code of a wallet', () => {
    given([])
      .when({ type: 'AssignReferralCode', organizationId: org, userId: user, code: 'ABCD2345', now })
      .then([assigned]);
    given([assigned])
      .when({ type: 'AssignReferralCode', organizationId: org, userId: user, code: 'OTHER234', now })
      .then([]);
  });

  it('applies a referrer once: 400 for an unknown code or oneself, 409 when already referred', () => {
    given([])
      .when(apply({ organizationId: 'org-2', userId: 'user-2' }))
      .then([applied]);
    given([]).when(apply(null)).thenThrows({ code: 'VALIDATION_ERROR', reason: 'INVALID_REFERRAL_CODE' });
    given([])
      .when(apply({ organizationId: org, userId: 'user-2' }))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'SELF_REFERRAL' });
    given([])
      .when(apply({ organizationId: 'org-3', userId: user }))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'SELF_REFERRAL' });
    given([applied])
      .when(apply({ organizationId: 'org-3', userId: 'user-3' }))
      .thenThrows({ code: 'CONFLICT', reason: 'ALREADY_REFERRED' });
  });

  it("pays the referrer's reward once per referred wallet", () => {
    const pay: WalletCommand = {
      type: 'PayReferralReward',
      organizationId: 'org-2',
      referredOrganizationId: org,
      amountAtomic: 500_000n,
      now,
    };
    const paid: WalletEvent = {
      type: 'ReferralRewardPaid',
      data: {
        organizationId: 'org-2',
        referredOrganizationId: org,
        amountAtomic: '500000',
        ledgerKind: 'referral',
        ledgerReference: org,
        paidAt: now,
      },
    };
    given([]).when(pay).then([paid]);
    given([paid]).when(pay).then([]);
  });
});
