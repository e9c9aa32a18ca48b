import { z } from 'zod';
import { graphql } from '../graphql.js';
import type { RouteRequest } from '../types.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import { WalletBalanceFields, walletBalanceSchema, walletBalanceToRest } from './shapes/wallet.js';
import {
  DailyClaimEligibilityFields,
  DailyCreditsClaimFields,
  ReferralInfoFields,
  WalletBonusClaimFields,
  bonusClaimSchema,
  dailyClaimSchema,
  dailyClaimToRest,
  dailyEligibilitySchema,
  dailyEligibilityToRest,
  bonusClaimToRest,
  referralInfoSchema,
  referralInfoToRest,
} from './shapes/wallet-promotion.js';
import {
  WalletTransactionFields,
  WalletTransactionSummaryFields,
  walletTransactionSchema,
  walletTransactionSummarySchema,
  walletTransactionSummaryToRest,
  walletTransactionToRest,
} from './shapes/wallet-transaction.js';

// SerenAI "agent-wallet" (commerce): the caller's organization's wallet. Amounts are atomic units
// of USDC (6 decimals). The recovery routes of the section are identity's (wallet-recovery.ts).

/** The `Idempotency-Key` header of a money-moving POST (Stripe's semantics, kept 24 h). */
const idempotencyKeyOf = (request: RouteRequest<unknown, unknown, unknown>) => {
  const key = request.headers['idempotency-key'];
  return (Array.isArray(key) ? key[0] : key) ?? null;
};

const dateQuery = z.string().optional().describe('YYYY-MM-DD, interpreted as UTC midnight');
const periodQuery = z.object({
  start_date: dateQuery.describe('inclusive, YYYY-MM-DD at UTC midnight'),
  end_date: dateQuery.describe('exclusive, YYYY-MM-DD at UTC midnight'),
});

export const walletRoutes = [
  route.operation({
    method: 'GET',
    path: '/wallet/balance',
    section: 'wallet',
    summary: 'Get wallet balance (funded + promotional)',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiWalletBalance {
          walletBalance {
            ...WalletBalanceFields
          }
        }
      `,
      [WalletBalanceFields],
    ),
    response: {
      status: 200,
      description: 'Wallet balance retrieved',
      schema: dataResponseSchema(walletBalanceSchema),
      body: (data) => dataResponse(walletBalanceToRest(data.walletBalance)),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/wallet/bonus/signup',
    section: 'wallet',
    summary: 'Claim signup bonus (if not already claimed)',
    description: `Once per wallet, after wallet recovery is set up (403 "Recovery setup required" before). Optional Idempotency-Key header.`,
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        mutation SerenaiClaimSignupBonus($idempotencyKey: String) {
          claimSignupBonus(idempotencyKey: $idempotencyKey) {
            ...WalletBonusClaimFields
          }
        }
      `,
      [WalletBonusClaimFields],
    ),
    variables: (request) => ({ idempotencyKey: idempotencyKeyOf(request) }),
    response: {
      status: 200,
      description: 'Signup bonus claimed',
      schema: dataResponseSchema(bonusClaimSchema),
      body: (data) => dataResponse(bonusClaimToRest(data.claimSignupBonus)),
    },
    errors: [403, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/wallet/bonus/payment-method',
    section: 'wallet',
    summary: 'Claim payment method bonus (if not already claimed)',
    description:
      'Once per wallet with a payment method on file (POST /billing/payment-methods), after wallet recovery is set up. Optional Idempotency-Key header.',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        mutation SerenaiClaimPaymentMethodBonus($idempotencyKey: String) {
          claimPaymentMethodBonus(idempotencyKey: $idempotencyKey) {
            ...WalletBonusClaimFields
          }
        }
      `,
      [WalletBonusClaimFields],
    ),
    variables: (request) => ({ idempotencyKey: idempotencyKeyOf(request) }),
    response: {
      status: 200,
      description: 'Payment method bonus claimed',
      schema: dataResponseSchema(bonusClaimSchema),
      body: (data) => dataResponse(bonusClaimToRest(data.claimPaymentMethodBonus)),
    },
    errors: [403, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/wallet/daily/claim',
    section: 'wallet',
    summary: 'Claim daily free credits',
    description:
      "Once per UTC day, up to the month's number of claims, after wallet recovery is set up. Optional Idempotency-Key header.",
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        mutation SerenaiClaimDailyCredits($idempotencyKey: String) {
          claimDailyCredits(idempotencyKey: $idempotencyKey) {
            ...DailyCreditsClaimFields
          }
        }
      `,
      [DailyCreditsClaimFields],
    ),
    variables: (request) => ({ idempotencyKey: idempotencyKeyOf(request) }),
    response: {
      status: 200,
      description: 'Daily credits claimed',
      schema: dataResponseSchema(dailyClaimSchema),
      body: (data) => dataResponse(dailyClaimToRest(data.claimDailyCredits)),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/wallet/daily/eligibility',
    section: 'wallet',
    summary: 'Check if user can claim daily credits',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiDailyClaimEligibility {
          dailyClaimEligibility {
            ...DailyClaimEligibilityFields
          }
        }
      `,
      [DailyClaimEligibilityFields],
    ),
    response: {
      status: 200,
      description: 'Eligibility checked',
      schema: dataResponseSchema(dailyEligibilitySchema),
      body: (data) => dataResponse(dailyEligibilityToRest(data.dailyClaimEligibility)),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/wallet/referral',
    section: 'wallet',
    summary: "Get user's referral info and code",
    description: "The wallet's referral code is made on first asking.",
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiReferralInfo {
          referralInfo {
            ...ReferralInfoFields
          }
        }
      `,
      [ReferralInfoFields],
    ),
    response: {
      status: 200,
      description: 'Referral info retrieved',
      schema: dataResponseSchema(referralInfoSchema),
      body: (data) => dataResponse(referralInfoToRest(data.referralInfo)),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/wallet/referral/apply',
    section: 'wallet',
    summary: 'Apply a referral code to the current user',
    description:
      "Names the code's wallet as this wallet's referrer, once (not one's own code); the referrer is paid its reward once.",
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ referral_code: z.string() }) },
    operation: graphql(`
      mutation SerenaiApplyReferralCode($code: String!) {
        applyReferralCode(referralCode: $code) {
          referralCode
          appliedAt
        }
      }
    `),
    variables: ({ body }) => ({ code: body.referral_code }),
    response: {
      status: 200,
      description: 'Referral code applied',
      schema: dataResponseSchema(
        z.object({
          success: z.boolean(),
          referral_code: z.string(),
          applied_at: z.string(),
          message: z.string(),
        }),
      ),
      body: ({ applyReferralCode: a }) =>
        dataResponse({
          success: true,
          referral_code: a.referralCode,
          applied_at: a.appliedAt,
          message: 'Referral code applied',
        }),
    },
    errors: [400, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/wallet/transactions',
    section: 'wallet',
    summary: 'Get transaction history including credits and debits',
    description:
      'Newest first. Without include_usage, usage (pay-per-call) debits are aggregated: one row per UTC day and publisher (source usage, usage_count the calls summed).',
    auth: 'required',
    rateLimit: 'general',
    request: {
      query: z.object({
        limit: z.coerce.number().int().optional().describe('1-100, default 50'),
        offset: z.coerce.number().int().optional().describe('≥ 0, default 0'),
        include_usage: z
          .enum(['true', 'false'])
          .optional()
          .describe('include raw usage debits (default false: aggregated by day and publisher)'),
        start_date: dateQuery.describe('only transactions on or after this date (UTC midnight)'),
        end_date: dateQuery.describe('only transactions strictly before this date (UTC midnight)'),
      }),
    },
    operation: graphql(
      `
        query SerenaiWalletTransactions(
          $limit: Int
          $offset: Int
          $includeUsage: Boolean
          $startDate: String
          $endDate: String
        ) {
          walletTransactions(
            limit: $limit
            offset: $offset
            includeUsage: $includeUsage
            startDate: $startDate
            endDate: $endDate
          ) {
            items {
              ...WalletTransactionFields
            }
            total
            limit
            offset
          }
        }
      `,
      [WalletTransactionFields],
    ),
    variables: ({ query }) => ({
      limit: query.limit ?? null,
      offset: query.offset ?? null,
      includeUsage: query.include_usage === undefined ? null : query.include_usage === 'true',
      startDate: query.start_date ?? null,
      endDate: query.end_date ?? null,
    }),
    response: {
      status: 200,
      description: 'Transaction history retrieved',
      schema: dataResponseSchema(
        z.object({
          transactions: z.array(walletTransactionSchema),
          total: z.number().int(),
          total_is_exact: z.boolean(),
          limit: z.number().int(),
          offset: z.number().int(),
        }),
      ),
      body: ({ walletTransactions: page }) =>
        dataResponse(
          {
            transactions: page.items.map(walletTransactionToRest),
            total: page.total,
            total_is_exact: true,
            limit: page.limit,
            offset: page.offset,
          },
          { total: page.total, limit: page.limit, offset: page.offset },
        ),
    },
    errors: [400],
  }),
  route.forward({
    method: 'GET',
    path: '/wallet/transactions/export',
    section: 'wallet',
    summary: 'Export transactions as a CSV file for a date range',
    description:
      'RFC 4180 CSV, oldest first, usage never aggregated, streamed as it is read: created_at, id, direction, source, description, amount_atomic, amount_usd, balance_after_atomic, balance_after_usd, publisher_id, publisher_name.',
    auth: 'required',
    rateLimit: 'general',
    forward: { service: 'commerce', path: '/internal/wallet/transactions/export' },
    request: { query: periodQuery },
    response: { status: 200, description: 'CSV file download', contentType: 'text/csv' },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/wallet/transactions/summary',
    section: 'wallet',
    summary: 'Get summary statistics for transactions in a date range',
    auth: 'required',
    rateLimit: 'general',
    request: { query: periodQuery },
    operation: graphql(
      `
        query SerenaiWalletTransactionSummary($startDate: String, $endDate: String) {
          walletTransactionSummary(startDate: $startDate, endDate: $endDate) {
            ...WalletTransactionSummaryFields
          }
        }
      `,
      [WalletTransactionSummaryFields],
    ),
    variables: ({ query }) => ({ startDate: query.start_date ?? null, endDate: query.end_date ?? null }),
    response: {
      status: 200,
      description: 'Transaction summary retrieved',
      schema: dataResponseSchema(walletTransactionSummarySchema),
      body: (data) => dataResponse(walletTransactionSummaryToRest(data.walletTransactionSummary)),
    },
    errors: [400],
  }),
];
