import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI agent wallet (commerce service). Stream `wallet-<organizationId>`, aggregate `wallet`: the
// wallet's promotions (signup and payment-method bonuses, daily claims) and its referral code and
// referrer. The money of each fact is one ledger journal entry, posted in the same transaction and
// named by `ledgerKind` + `ledgerReference` (unique in the ledger, so a fact is never paid twice).
// Amounts are integer atomic units of the wallet's asset (USDC, 6 decimals) as decimal strings.

const id = z.string().min(1);
const at = z.iso.datetime();
const atomic = z.string().regex(/^\d+$/, 'a non-negative integer of atomic units');

export const WalletBonusClaimed = defineEvent({
  type: 'WalletBonusClaimed',
  version: 1,
  domain: 'commerce',
  aggregate: 'wallet',
  description:
    "A one-time bonus (signup or payment method) was credited to the wallet's promotional balance.",
  schema: z.object({
    organizationId: id,
    userId: id,
    bonusType: z.enum(['signup', 'payment_method']),
    amountAtomic: atomic,
    ledgerKind: z.enum(['bonus_signup', 'bonus_payment_method']),
    ledgerReference: id,
    claimedAt: at,
  }),
});

export const DailyCreditsClaimed = defineEvent({
  type: 'DailyCreditsClaimed',
  version: 1,
  domain: 'commerce',
  aggregate: 'wallet',
  description: 'The wallet claimed its free daily credits for one UTC day (promotional balance).',
  schema: z.object({
    organizationId: id,
    userId: id,
    /** the UTC day claimed, YYYY-MM-DD */
    day: z.iso.date(),
    amountAtomic: atomic,
    ledgerKind: z.literal('daily_claim'),
    ledgerReference: id,
    claimedAt: at,
  }),
});

export const ReferralCodeAssigned = defineEvent({
  type: 'ReferralCodeAssigned',
  version: 1,
  domain: 'commerce',
  aggregate: 'wallet',
  description:
    'The wallet got its referral code (on first asking); others apply it to name it their referrer.',
  schema: z.object({ organizationId: id, userId: id, code: z.string().min(4).max(32), assignedAt: at }),
});

export const ReferralCodeApplied = defineEvent({
  type: 'ReferralCodeApplied',
  version: 1,
  domain: 'commerce',
  aggregate: 'wallet',
  description: "The wallet named its referrer by the referrer's code (once; a wallet cannot refer itself).",
  schema: z.object({
    organizationId: id,
    userId: id,
    code: z.string().min(1),
    referrerOrganizationId: id,
    appliedAt: at,
  }),
});

export const ReferralRewardPaid = defineEvent({
  type: 'ReferralRewardPaid',
  version: 1,
  domain: 'commerce',
  aggregate: 'wallet',
  description:
    "The referrer's wallet was credited its reward for one referred wallet (at most once per referred wallet).",
  schema: z.object({
    organizationId: id,
    referredOrganizationId: id,
    amountAtomic: atomic,
    ledgerKind: z.literal('referral'),
    ledgerReference: id,
    paidAt: at,
  }),
});

export const walletEvents = [
  WalletBonusClaimed,
  DailyCreditsClaimed,
  ReferralCodeAssigned,
  ReferralCodeApplied,
  ReferralRewardPaid,
] as const;
