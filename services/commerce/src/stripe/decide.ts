import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveDeposit,
  initialDepositState,
  MAX_DEPOSIT_CENTS,
  MIN_DEPOSIT_CENTS,
  type DepositEvent,
  type DepositState,
} from './deposit.js';

/**
 * The wallet is one asset, USDC in atomic units (6 decimals): a Stripe deposit is credited at the
 * 1 USD = 1 USDC peg, 10,000 atomic units per cent (the ledger's decision, so charges can spend it).
 */
export const USDC_PER_CENT = 10_000n;

export type DepositCommand =
  | {
      type: 'CreateDeposit';
      depositId: string;
      organizationId: string;
      requestedBy: string;
      paymentIntentId: string;
      amountCents: number;
      referralCode: string | null;
      now: string;
    }
  | {
      type: 'RecordDepositSucceeded';
      amountReceivedCents: number;
      stripeEventId: string;
      entryId: string;
      now: string;
    }
  | {
      /**
       * Stripe took money back: a refund (`refundedTotalCents`: the charge's running
       * `amount_refunded`, so partial refunds and redeliveries under other ids each count once) or a
       * dispute (`amountCents`, once per dispute). `fundedAtomic`: the funded balance, read under its lock.
       */
      type: 'RecordDepositReversed';
      reversal:
        | { reason: 'refund'; chargeId: string; refundedTotalCents: number }
        | { reason: 'dispute'; disputeId: string; amountCents: number };
      fundedAtomic: bigint;
      stripeEventId: string;
      entryId: string;
      now: string;
    }
  | {
      /** a dispute was won (Stripe reinstated its funds): give back what it took, once */
      type: 'RecordDisputeReinstated';
      disputeId: string;
      stripeEventId: string;
      entryId: string;
      now: string;
    }
  | {
      type: 'RecordDepositFailed';
      status: 'failed' | 'canceled';
      reason: string | null;
      stripeEventId: string;
      now: string;
    };

export type DepositReason = 'AMOUNT_TOO_SMALL' | 'AMOUNT_TOO_LARGE' | 'DEPOSIT_EXISTS';
const errors = domainErrorsOf<DepositReason>();

/** The amount's rules, checked before Stripe is asked for anything: whole cents, $5.00 to Stripe's maximum. */
export function checkDepositAmount(amountCents: number): number {
  if (!Number.isSafeInteger(amountCents))
    throw errors.validationError('amount_cents must be a whole number of cents', { field: 'amount_cents' });
  if (amountCents < MIN_DEPOSIT_CENTS)
    throw errors.validationError(`amount_cents must be at least ${MIN_DEPOSIT_CENTS} ($5.00)`, {
      field: 'amount_cents',
      reason: 'AMOUNT_TOO_SMALL',
    });
  if (amountCents > MAX_DEPOSIT_CENTS)
    throw errors.validationError(`amount_cents must be at most ${MAX_DEPOSIT_CENTS}`, {
      field: 'amount_cents',
      reason: 'AMOUNT_TOO_LARGE',
    });
  return amountCents;
}

/**
 * Stripe may report a payment more than once and in any order; only the first outcome of a pending
 * deposit counts, so a redelivered success or a late failure after a success changes nothing.
 */
export function decideDeposit(command: DepositCommand, state: DepositState): DepositEvent[] {
  switch (command.type) {
    case 'CreateDeposit': {
      if (state.status !== 'none')
        throw errors.conflict('deposit already exists', { reason: 'DEPOSIT_EXISTS' });
      return [
        {
          type: 'StripeDepositCreated',
          data: {
            depositId: command.depositId,
            organizationId: command.organizationId,
            requestedBy: command.requestedBy,
            paymentIntentId: command.paymentIntentId,
            amountCents: checkDepositAmount(command.amountCents),
            currency: 'usd',
            referralCode: command.referralCode,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'RecordDepositSucceeded': {
      if (state.status !== 'pending') return [];
      return [
        {
          type: 'StripeDepositSucceeded',
          data: {
            depositId: state.depositId,
            organizationId: state.organizationId,
            paymentIntentId: state.paymentIntentId,
            amountReceivedCents: command.amountReceivedCents,
            stripeEventId: command.stripeEventId,
            entryId: command.entryId,
            succeededAt: command.now,
          },
        },
      ];
    }
    case 'RecordDepositReversed': {
      // only money that was credited can be taken back
      if (state.status !== 'succeeded') return [];
      const { reversal } = command;
      const asked =
        reversal.reason === 'refund'
          ? Math.min(reversal.refundedTotalCents, state.amountReceivedCents) - state.refundedCents
          : state.disputes.some((taken) => taken.disputeId === reversal.disputeId)
            ? 0
            : reversal.amountCents;
      // never more than the deposit brought in, refunds and disputes together
      const cents = Math.min(asked, state.amountReceivedCents - state.reversedCents);
      if (cents <= 0) return [];
      const atomic = BigInt(cents) * USDC_PER_CENT;
      const held = command.fundedAtomic > 0n ? command.fundedAtomic : 0n;
      const debited = atomic < held ? atomic : held;
      return [
        {
          type: 'StripeDepositReversed',
          data: {
            depositId: state.depositId,
            organizationId: state.organizationId,
            paymentIntentId: state.paymentIntentId,
            reason: reversal.reason,
            stripeObjectId: reversal.reason === 'refund' ? reversal.chargeId : reversal.disputeId,
            amountCents: cents,
            debitedAtomic: debited.toString(),
            shortfallAtomic: (atomic - debited).toString(),
            stripeEventId: command.stripeEventId,
            entryId: command.entryId,
            reversedAt: command.now,
          },
        },
      ];
    }
    case 'RecordDisputeReinstated': {
      if (state.status !== 'succeeded') return [];
      const taken = state.disputes.find((d) => d.disputeId === command.disputeId);
      if (!taken || taken.reinstated) return [];
      return [
        {
          type: 'StripeDepositReinstated',
          data: {
            depositId: state.depositId,
            organizationId: state.organizationId,
            paymentIntentId: state.paymentIntentId,
            disputeId: taken.disputeId,
            amountCents: taken.cents,
            creditedAtomic: taken.debitedAtomic,
            lossRecoveredAtomic: taken.shortfallAtomic,
            stripeEventId: command.stripeEventId,
            entryId: command.entryId,
            reinstatedAt: command.now,
          },
        },
      ];
    }
    case 'RecordDepositFailed': {
      if (state.status !== 'pending') return [];
      return [
        {
          type: 'StripeDepositFailed',
          data: {
            depositId: state.depositId,
            organizationId: state.organizationId,
            paymentIntentId: state.paymentIntentId,
            status: command.status,
            reason: command.reason,
            stripeEventId: command.stripeEventId,
            failedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const depositDecider = {
  streamType: 'stripe_deposit',
  initialState: initialDepositState,
  evolve: evolveDeposit,
  decide: decideDeposit,
};
