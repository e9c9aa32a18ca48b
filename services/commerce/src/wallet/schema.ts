import gql from 'graphql-tag';

/**
 * The commerce subgraph's part for the agent wallet; ../schema.ts merges every feature's.
 * Side-effect free. Amounts are atomic units of USDC (6 decimals: "1000000" is $1.00) as decimal
 * strings, exact at any size; the wallet is the caller's organization's.
 */
export const walletTypeDefs = gql`
  enum WalletBalanceKind {
    FUNDED
    PROMOTIONAL
  }

  "What is left of one source of credit (e.g. signup_bonus, fiat_purchase) in one of the balances."
  type WalletSourceBalance {
    source: String!
    kind: WalletBalanceKind!
    balanceAtomic: String!
  }

  "The wallet: funded credit (paid in) and promotional credit (given); promotional is spent first."
  type WalletBalance {
    walletAddress: String!
    balanceAtomic: String!
    fundedBalanceAtomic: String!
    promotionalBalanceAtomic: String!
    bySource: [WalletSourceBalance!]!
    "lifetime card (Stripe) deposits, in USD cents"
    totalPurchasesCents: String!
    "whether the caller set up wallet recovery (POST /wallet/recovery)"
    hasRecovery: Boolean!
    recoveryWarning: String
  }

  enum WalletTransactionDirection {
    CREDIT
    DEBIT
  }

  "One movement of the wallet, or (source usage, not includeUsage) a UTC day's usage debits at one publisher."
  type WalletTransaction {
    id: ID!
    direction: WalletTransactionDirection!
    "fiat_purchase, onchain_deposit, signup_bonus, payment_method_bonus, daily_claim, referral_reward, usage, refund, publisher_slash"
    source: String!
    "unsigned; direction says which way"
    amountAtomic: String!
    description: String!
    publisherId: ID
    publisherName: String
    "the wallet's balance right after it"
    balanceAfterAtomic: String!
    "the usage debits an aggregated row sums (1 otherwise)"
    usageCount: Int!
    createdAt: String!
  }

  type WalletTransactionPage {
    items: [WalletTransaction!]!
    total: Int!
    limit: Int!
    offset: Int!
  }

  type WalletTransactionSummary {
    startingBalanceAtomic: String!
    totalCreditsAtomic: String!
    totalDebitsAtomic: String!
    "credits minus debits; negative when more was spent"
    netChangeAtomic: String!
    endingBalanceAtomic: String!
    transactionCount: Int!
    periodStart: String
    periodEnd: String
  }

  enum WalletBonusType {
    SIGNUP
    PAYMENT_METHOD
  }

  type WalletBonusClaim {
    bonusType: WalletBonusType!
    amountAtomic: String!
  }

  type DailyCreditsClaim {
    amountAtomic: String!
    "the wallet's whole balance after the claim"
    balanceAtomic: String!
    claimsRemainingThisMonth: Int!
  }

  type DailyClaimEligibility {
    canClaim: Boolean!
    "why not: ALREADY_CLAIMED_TODAY, MONTHLY_LIMIT_REACHED, RECOVERY_REQUIRED"
    reason: String
    claimsRemainingThisMonth: Int!
    claimAmountAtomic: String!
    "seconds to midnight UTC, when today's claim is taken"
    resetsInSeconds: Int
  }

  type ReferralInfo {
    referralCode: String!
    referralUrl: String!
    totalReferrals: Int!
    totalEarningsAtomic: String!
    pendingEarningsAtomic: String!
  }

  type ReferralApplication {
    referralCode: String!
    appliedAt: String!
  }

  extend type Query {
    "the caller's organization's wallet"
    walletBalance: WalletBalance!
    """
    The wallet's transactions, newest first. Dates are YYYY-MM-DD at UTC midnight: startDate
    inclusive, endDate exclusive. Without includeUsage, usage debits are one row per UTC day and publisher.
    """
    walletTransactions(
      limit: Int
      offset: Int
      includeUsage: Boolean
      startDate: String
      endDate: String
    ): WalletTransactionPage!
    walletTransactionSummary(startDate: String, endDate: String): WalletTransactionSummary!
    dailyClaimEligibility: DailyClaimEligibility!
    "the wallet's referral code (made on first asking) and what it earned"
    referralInfo: ReferralInfo!
  }

  extend type Mutation {
    "once per wallet, after wallet recovery is set up (FORBIDDEN before, CONFLICT after the first)"
    claimSignupBonus(idempotencyKey: String): WalletBonusClaim!
    "once per wallet with a payment method on file, after wallet recovery is set up"
    claimPaymentMethodBonus(idempotencyKey: String): WalletBonusClaim!
    "once per UTC day, up to the month's number of claims, after wallet recovery is set up"
    claimDailyCredits(idempotencyKey: String): DailyCreditsClaim!
    "names the wallet's referrer (once; not oneself) and pays the referrer its reward"
    applyReferralCode(referralCode: String!): ReferralApplication!
  }
`;
