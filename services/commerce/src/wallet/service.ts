import { randomInt } from 'node:crypto';
import { eventMetadataOf, handle, transaction, type RequestOrigin } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { accounts, agentWallet, postEntry, requestHashOf, withIdempotency } from '../ledger/index.js';
import { hasPaymentMethod } from '../payment-methods/queries.js';
import { callerOrganization } from '../plans/access.js';
import { csvField, csvLine, csvText } from './csv.js';
import { dailyEligibility, walletDecider, walletErrors, type DailyEligibility } from './decide.js';
import {
  exportTransactions,
  referralCodeOwner,
  referralTotals,
  walletBalances,
  walletSummary,
  walletTransactions,
  type WalletBalances,
  type WalletTransactionView,
} from './queries.js';
import { hasRecovery } from './recovery.js';
import { usdOf } from './money.js';
import {
  evolveWallet,
  initialWalletState,
  walletStream,
  type BonusType,
  type WalletEvent,
} from './wallet.js';

export interface WalletBalanceView extends WalletBalances {
  walletAddress: string;
  balance: bigint;
  hasRecovery: boolean;
  recoveryWarning: string | null;
}

export async function getWalletBalance(
  commerce: Commerce,
  request: RequestOrigin,
): Promise<WalletBalanceView> {
  const { organizationId, subject } = callerOrganization(request);
  const manager = commerce.dataSource.manager;
  const [balances, recovery] = await Promise.all([
    walletBalances(manager, organizationId),
    hasRecovery(manager, subject),
  ]);
  const balance = balances.funded + balances.promotional;
  return {
    ...balances,
    walletAddress: agentWallet(organizationId),
    balance,
    hasRecovery: recovery,
    recoveryWarning:
      balance > 0n && !recovery
        ? 'This wallet holds funds but has no recovery set up: if its API key is lost, so are the funds. Set up recovery with POST /wallet/recovery.'
        : null,
  };
}

// --- dates: YYYY-MM-DD, UTC midnight --------------------------------------------------------

function dayStart(value: string | null | undefined, field: string): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const date = match ? new Date(`${value}T00:00:00.000Z`) : null;
  if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value)
    throw walletErrors.validationError(`${field} must be a date as YYYY-MM-DD`, { field });
  return date;
}

export interface Period {
  from: Date | null;
  until: Date | null;
}

export function periodOf(input: { startDate?: string | null; endDate?: string | null }): Period {
  const from = dayStart(input.startDate, 'start_date');
  const until = dayStart(input.endDate, 'end_date');
  if (from && until && until < from)
    throw walletErrors.validationError('end_date must not be before start_date', { field: 'end_date' });
  return { from, until };
}

// --- transactions -----------------------------------------------------------------------------

export async function listWalletTransactions(
  commerce: Commerce,
  request: RequestOrigin,
  input: {
    limit?: number | null;
    offset?: number | null;
    includeUsage?: boolean | null;
    startDate?: string | null;
    endDate?: string | null;
  },
): Promise<{ items: WalletTransactionView[]; total: number; limit: number; offset: number }> {
  const { organizationId } = callerOrganization(request);
  const limit = input.limit ?? 50;
  const offset = input.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw walletErrors.validationError('limit must be from 1 to 100', { field: 'limit' });
  if (!Number.isInteger(offset) || offset < 0)
    throw walletErrors.validationError('offset must be 0 or more', { field: 'offset' });
  const period = periodOf(input);
  const page = await walletTransactions(commerce.dataSource.manager, organizationId, {
    ...period,
    includeUsage: input.includeUsage ?? false,
    limit,
    offset,
  });
  return { ...page, limit, offset };
}

export interface WalletSummaryView {
  startingBalance: bigint;
  totalCredits: bigint;
  totalDebits: bigint;
  netChange: bigint;
  endingBalance: bigint;
  transactionCount: number;
  periodStart: string | null;
  periodEnd: string | null;
}

export async function walletTransactionSummary(
  commerce: Commerce,
  request: RequestOrigin,
  input: { startDate?: string | null; endDate?: string | null },
): Promise<WalletSummaryView> {
  const { organizationId } = callerOrganization(request);
  const period = periodOf(input);
  const s = await walletSummary(commerce.dataSource.manager, organizationId, period);
  const netChange = s.totalCredits - s.totalDebits;
  return {
    ...s,
    netChange,
    endingBalance: s.startingBalance + netChange,
    periodStart: period.from?.toISOString().slice(0, 10) ?? null,
    periodEnd: period.until?.toISOString().slice(0, 10) ?? null,
  };
}

const CSV_HEADER = [
  'created_at',
  'id',
  'direction',
  'source',
  'description',
  'amount_atomic',
  'amount_usd',
  'balance_after_atomic',
  'balance_after_usd',
  'publisher_id',
  'publisher_name',
];

/**
 * The CSV export of [start_date, end_date): a header, then every transaction oldest first (usage
 * never aggregated), produced batch by batch as the reader takes it. The period is checked before
 * the first line, so a bad date is a 400, not a broken download.
 */
export function exportWalletTransactions(
  commerce: Commerce,
  request: RequestOrigin,
  input: { startDate?: string | null; endDate?: string | null },
): { filename: string; lines: AsyncGenerator<string> } {
  const { organizationId } = callerOrganization(request);
  const period = periodOf(input);
  const filename = `transactions-${period.from?.toISOString().slice(0, 10) ?? 'start'}-to-${
    period.until?.toISOString().slice(0, 10) ?? 'now'
  }.csv`;
  async function* lines(): AsyncGenerator<string> {
    yield csvLine(CSV_HEADER);
    for await (const t of exportTransactions(commerce.dataSource.manager, organizationId, period)) {
      yield csvLine([
        csvField(t.createdAt.toISOString()),
        csvField(t.id),
        csvField(t.direction),
        csvField(t.source),
        csvText(t.description),
        csvField(t.amount),
        csvField(usdOf(t.amount)),
        csvField(t.balanceAfter),
        csvField(usdOf(t.balanceAfter)),
        csvField(t.publisherId),
        csvText(t.publisherName),
      ]);
    }
  }
  return { filename, lines: lines() };
}

// --- promotions -------------------------------------------------------------------------------

async function walletState(commerce: Commerce, organizationId: string, manager?: EntityManager) {
  const { events } = await commerce.store.readStream<WalletEvent>(walletStream(organizationId), { manager });
  return events.reduce(evolveWallet, initialWalletState());
}

/**
 * Credits the promotional balance from the platform's promotions account for each of `events` that
 * names a journal entry (a bonus, a daily claim, a referral reward: its ledger kind and reference),
 * one entry each.
 */
async function creditPromotions(
  tx: EntityManager,
  events: WalletEvent[],
  credit: { organizationId: string; amount: bigint; at: Date },
) {
  if (credit.amount === 0n) return;
  for (const event of events)
    if ('ledgerKind' in event.data)
      await postEntry(tx, {
        kind: event.data.ledgerKind,
        reference: event.data.ledgerReference,
        organizationId: credit.organizationId,
        lines: [
          {
            account: accounts.agentPromotional(credit.organizationId, 'USDC'),
            asset: 'USDC',
            amount: credit.amount,
          },
          { account: accounts.system('promotions', 'USDC'), asset: 'USDC', amount: -credit.amount },
        ],
        at: credit.at,
      });
}

export interface BonusClaimView {
  bonusType: BonusType;
  amount: bigint;
}

/**
 * POST /wallet/bonus/signup and /wallet/bonus/payment-method: once per wallet (409 after), only
 * once wallet recovery is set up (403 "Recovery setup required"); the payment-method bonus also
 * needs a payment method on file. The wallet's stream decides once-ness; the journal entry
 * (kind + the organization as reference) could not be posted twice either.
 */
export async function claimBonus(
  commerce: Commerce,
  request: RequestOrigin,
  bonusType: BonusType,
  idempotencyKey?: string | null,
): Promise<BonusClaimView> {
  const { organizationId, subject } = callerOrganization(request);
  const amount = bonusType === 'signup' ? commerce.wallet.signupBonus : commerce.wallet.paymentMethodBonus;
  return withIdempotency(
    commerce,
    {
      scope: `POST /wallet/bonus/${bonusType}:${organizationId}`,
      key: idempotencyKey,
      requestHash: requestHashOf({}),
    },
    async (tx) => {
      const recoverySetUp = await hasRecovery(tx, subject);
      // a bonus already claimed stays 409 even if its payment method was removed since
      if (
        recoverySetUp &&
        bonusType === 'payment_method' &&
        !(await hasPaymentMethod(commerce, organizationId, tx)) &&
        !(await walletState(commerce, organizationId, tx)).bonusesClaimed.includes('payment_method')
      )
        throw walletErrors.forbidden('Payment method required: add one with POST /billing/payment-methods', {
          reason: 'PAYMENT_METHOD_REQUIRED',
        });
      const now = commerce.now();
      const { events } = await handle(
        commerce,
        tx,
        walletStream(organizationId),
        walletDecider,
        {
          type: 'ClaimBonus',
          bonusType,
          organizationId,
          userId: subject,
          recoverySetUp,
          amountAtomic: amount,
          now: now.toISOString(),
        },
        eventMetadataOf(request, { organizationId }),
      );
      // the WalletBonusClaimed event names the journal entry
      await creditPromotions(tx, events, { organizationId, amount, at: now });
      return { bonusType, amount };
    },
  );
}

export interface DailyEligibilityView extends DailyEligibility {
  claimAmount: bigint;
}

export async function dailyClaimEligibility(
  commerce: Commerce,
  request: RequestOrigin,
): Promise<DailyEligibilityView> {
  const { organizationId, subject } = callerOrganization(request);
  const manager = commerce.dataSource.manager;
  const [state, recoverySetUp] = await Promise.all([
    walletState(commerce, organizationId),
    hasRecovery(manager, subject),
  ]);
  return {
    ...dailyEligibility(state, {
      recoverySetUp,
      maxClaimsPerMonth: commerce.wallet.dailyClaimsPerMonth,
      now: commerce.now().toISOString(),
    }),
    claimAmount: commerce.wallet.dailyClaim,
  };
}

export interface DailyClaimView {
  amount: bigint;
  balance: bigint;
  claimsRemainingThisMonth: number;
}

/** POST /wallet/daily/claim: once per UTC day, up to the month's number; 403 before recovery; 400 when not eligible. */
export async function claimDailyCredits(
  commerce: Commerce,
  request: RequestOrigin,
  idempotencyKey?: string | null,
): Promise<DailyClaimView> {
  const { organizationId, subject } = callerOrganization(request);
  const amount = commerce.wallet.dailyClaim;
  const now = commerce.now();
  return withIdempotency(
    commerce,
    {
      scope: `POST /wallet/daily/claim:${organizationId}`,
      key: idempotencyKey,
      requestHash: requestHashOf({ day: now.toISOString().slice(0, 10) }),
    },
    async (tx) => {
      const recoverySetUp = await hasRecovery(tx, subject);
      const { events, state } = await handle(
        commerce,
        tx,
        walletStream(organizationId),
        walletDecider,
        {
          type: 'ClaimDailyCredits',
          organizationId,
          userId: subject,
          recoverySetUp,
          amountAtomic: amount,
          maxClaimsPerMonth: commerce.wallet.dailyClaimsPerMonth,
          now: now.toISOString(),
        },
        eventMetadataOf(request, { organizationId }),
      );
      // the DailyCreditsClaimed event names the journal entry
      await creditPromotions(tx, events, { organizationId, amount, at: now });
      const balances = await walletBalances(tx, organizationId);
      const after = dailyEligibility(state, {
        recoverySetUp,
        maxClaimsPerMonth: commerce.wallet.dailyClaimsPerMonth,
        now: now.toISOString(),
      });
      return {
        amount,
        balance: balances.funded + balances.promotional,
        claimsRemainingThisMonth: after.claimsRemainingThisMonth,
      };
    },
  );
}

// --- referrals --------------------------------------------------------------------------------

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud and typed by people
const newReferralCode = () =>
  Array.from({ length: 8 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
const normalizedCode = (code: string) => code.trim().toUpperCase();

export interface ReferralInfoView {
  code: string;
  url: string;
  totalReferrals: number;
  totalEarnings: bigint;
  pendingEarnings: bigint;
}

/** GET /wallet/referral: the wallet's code (made on first asking), how many it referred and what that earned. */
export async function getReferralInfo(commerce: Commerce, request: RequestOrigin): Promise<ReferralInfoView> {
  const { organizationId, subject } = callerOrganization(request);
  const manager = commerce.dataSource.manager;
  let totals = await referralTotals(manager, organizationId);
  for (let attempt = 1; totals.code === null; attempt++) {
    try {
      await transaction(commerce, (tx) =>
        handle(
          commerce,
          tx,
          walletStream(organizationId),
          walletDecider,
          {
            type: 'AssignReferralCode',
            organizationId,
            userId: subject,
            code: newReferralCode(),
            now: commerce.now().toISOString(),
          },
          eventMetadataOf(request, { organizationId }),
        ),
      );
    } catch (error) {
      // another wallet drew the same code (the code index refused it): draw again
      const code = (error as { driverError?: { code?: string }; code?: string }).driverError?.code;
      if (code !== '23505' || attempt >= 5) throw error;
    }
    totals = await referralTotals(manager, organizationId);
  }
  return {
    code: totals.code,
    url: `${commerce.wallet.referralUrlBase}${encodeURIComponent(totals.code)}`,
    totalReferrals: totals.totalReferrals,
    totalEarnings: totals.totalEarnings,
    // rewards are paid when the referral is applied: nothing waits
    pendingEarnings: 0n,
  };
}

export interface ReferralApplied {
  code: string;
  appliedAt: string;
}

/**
 * POST /wallet/referral/apply: names the code's wallet as this wallet's referrer (400 unknown code or
 * one's own, 409 when it already has one), and pays the referrer its reward in the same
 * transaction: once per referred wallet (its stream and the journal's (kind, reference) both say so).
 */
export async function applyReferralCode(
  commerce: Commerce,
  request: RequestOrigin,
  input: { referralCode: string },
): Promise<ReferralApplied> {
  const { organizationId, subject } = callerOrganization(request);
  const code = normalizedCode(input.referralCode ?? '');
  // only what a code can be reaches the database (a NUL byte or a megabyte is simply not a code)
  if (!/^[A-Z0-9]{4,32}$/.test(code))
    throw walletErrors.validationError('Invalid referral code', {
      reason: 'INVALID_REFERRAL_CODE',
      field: 'referral_code',
    });
  const now = commerce.now();
  const reward = commerce.wallet.referralReward;
  return transaction(commerce, async (tx) => {
    const referrer = await referralCodeOwner(tx, code);
    await handle(
      commerce,
      tx,
      walletStream(organizationId),
      walletDecider,
      { type: 'ApplyReferralCode', organizationId, userId: subject, code, referrer, now: now.toISOString() },
      eventMetadataOf(request, { organizationId }),
    );
    const paid = await handle(
      commerce,
      tx,
      walletStream(referrer!.organizationId),
      walletDecider,
      {
        type: 'PayReferralReward',
        organizationId: referrer!.organizationId,
        referredOrganizationId: organizationId,
        amountAtomic: reward,
        now: now.toISOString(),
      },
      eventMetadataOf(request, { organizationId: referrer!.organizationId }),
    );
    // the ReferralRewardPaid event names the journal entry
    await creditPromotions(tx, paid.events, {
      organizationId: referrer!.organizationId,
      amount: reward,
      at: now,
    });
    return { code, appliedAt: now.toISOString() };
  });
}
