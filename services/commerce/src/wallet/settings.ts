/** The wallet's promotions, in atomic units of USDC (6 decimals: 1,000,000 = $1.00). */
export interface WalletSettings {
  signupBonus: bigint;
  paymentMethodBonus: bigint;
  dailyClaim: bigint;
  dailyClaimsPerMonth: number;
  referralReward: bigint;
  /** the referral code is appended to it */
  referralUrlBase: string;
  /** the consumer group that learns wallet recovery from identity's events */
  recoveryGroup: string;
}

function atomic(env: Record<string, string | undefined>, name: string, fallback: bigint): bigint {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number of atomic units, got "${raw}"`);
  return BigInt(raw);
}

export function walletSettingsOf(env: Record<string, string | undefined>): WalletSettings {
  const perMonth = Number(env.WALLET_DAILY_CLAIMS_PER_MONTH ?? 20);
  if (!Number.isInteger(perMonth) || perMonth < 0 || perMonth > 31)
    throw new Error('WALLET_DAILY_CLAIMS_PER_MONTH must be a whole number from 0 to 31');
  return {
    signupBonus: atomic(env, 'WALLET_SIGNUP_BONUS_ATOMIC', 1_000_000n),
    paymentMethodBonus: atomic(env, 'WALLET_PAYMENT_METHOD_BONUS_ATOMIC', 2_000_000n),
    dailyClaim: atomic(env, 'WALLET_DAILY_CLAIM_ATOMIC', 100_000n),
    dailyClaimsPerMonth: perMonth,
    referralReward: atomic(env, 'WALLET_REFERRAL_REWARD_ATOMIC', 1_000_000n),
    referralUrlBase: env.WALLET_REFERRAL_URL_BASE ?? 'https://serendb.com/signup?ref=',
    recoveryGroup: env.WALLET_RECOVERY_GROUP ?? 'commerce.wallet-recovery',
  };
}
