import { domainErrorsOf } from '@seren/service-kit/errors';

/** Why a ledger write was refused, where callers must tell cases apart. */
export type LedgerReason = 'INSUFFICIENT_FUNDS' | 'IDEMPOTENCY_ERROR' | 'IDEMPOTENCY_KEY_IN_USE';

export const ledgerErrors = domainErrorsOf<LedgerReason>();

/** 402: the entry would take an account that allows no overdraft below zero. */
export const insufficientFunds = (account: string) =>
  ledgerErrors.paymentRequired('Insufficient balance', { reason: 'INSUFFICIENT_FUNDS', account });
