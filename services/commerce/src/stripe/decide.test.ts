import { specOf } from '@seren/testing';
import { depositDecider } from './decide';
import type { DepositEvent } from './deposit';

const given = specOf(depositDecider);
const now = '2026-12-01T10:00:00.000Z';
const create = {
  type: 'CreateDeposit' as const,
  depositId: 'd1',
  organizationId: 'o1',
  requestedBy: 'u1',
  paymentIntentId: 'pi_1',
  amountCents: 500,
  referralCode: null,
  now,
};
const created: DepositEvent = {
  type: 'StripeDepositCreated',
  data: {
    depositId: 'd1',
    organizationId: 'o1',
    requestedBy: 'u1',
    paymentIntentId: 'pi_1',
    amountCents: 500,
    currency: 'usd',
    referralCode: null,
    createdAt: now,
  },
};
const succeeded: DepositEvent = {
  type: 'StripeDepositSucceeded',
  data: {
    depositId: 'd1',
    organizationId: 'o1',
    paymentIntentId: 'pi_1',
    amountReceivedCents: 500,
    stripeEventId: 'evt_1',
    entryId: 'e1',
    succeededAt: now,
  },
};
const success = {
  type: 'RecordDepositSucceeded' as const,
  amountReceivedCents: 500,
  stripeEventId: 'evt_1',
  entryId: 'e1',
  now,
};
const failure = {
  type: 'RecordDepositFailed' as const,
  status: 'failed' as const,
  reason: 'declined',
  stripeEventId: 'evt_2',
  now,
};

describe('Stripe deposits', () => {
  it('starts a deposit of at least 500 cents', () => given([]).when(create).then([created]));

  it('refuses less than 500 cents, fractions of a cent and more than Stripe takes', () => {
    given([])
      .when({ ...create, amountCents: 499 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'AMOUNT_TOO_SMALL' });
    given([])
      .when({ ...create, amountCents: 500.5 })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...create, amountCents: 100_000_000 })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'AMOUNT_TOO_LARGE' });
  });

  it('records the first success of a pending deposit', () =>
    given([created]).when(success).then([succeeded]));

  it('ignores a second success and a failure after a success', () => {
    given([created, succeeded]).when(success).thenNothing();
    given([created, succeeded]).when(failure).thenNothing();
  });

  it('records a failure, after which a success changes nothing', () => {
    const failed: DepositEvent = {
      type: 'StripeDepositFailed',
      data: {
        depositId: 'd1',
        organizationId: 'o1',
        paymentIntentId: 'pi_1',
        status: 'failed',
        reason: 'declined',
        stripeEventId: 'evt_2',
        failedAt: now,
      },
    };
    given([created]).when(failure).then([failed]);
    given([created, failed]).when(success).thenNothing();
  });

  it('ignores outcomes for a deposit it never started', () => given([]).when(success).thenNothing());

  describe('money Stripe takes back', () => {
    const refund = (refundedTotalCents: number, fundedAtomic = 10_000_000n, stripeEventId = 'evt_r') => ({
      type: 'RecordDepositReversed' as const,
      reversal: { reason: 'refund' as const, chargeId: 'ch_1', refundedTotalCents },
      fundedAtomic,
      stripeEventId,
      entryId: 'e2',
      now,
    });
    const dispute = (amountCents: number, fundedAtomic = 10_000_000n, disputeId = 'dp_1') => ({
      type: 'RecordDepositReversed' as const,
      reversal: { reason: 'dispute' as const, disputeId, amountCents },
      fundedAtomic,
      stripeEventId: 'evt_d',
      entryId: 'e3',
      now,
    });
    const reversed = (
      reason: 'refund' | 'dispute',
      amountCents: number,
      debitedAtomic: string,
      shortfallAtomic = '0',
    ): DepositEvent => ({
      type: 'StripeDepositReversed',
      data: {
        depositId: 'd1',
        organizationId: 'o1',
        paymentIntentId: 'pi_1',
        reason,
        stripeObjectId: reason === 'refund' ? 'ch_1' : 'dp_1',
        amountCents,
        debitedAtomic,
        shortfallAtomic,
        stripeEventId: reason === 'refund' ? 'evt_r' : 'evt_d',
        entryId: reason === 'refund' ? 'e2' : 'e3',
        reversedAt: now,
      },
    });

    it('takes a refund back from the funded balance at 10,000 atomic units per cent', () =>
      given([created, succeeded])
        .when(refund(200))
        .then([reversed('refund', 200, '2000000')]));

    it("counts partial refunds by Stripe's running amount_refunded: each cent once, whatever is redelivered", () => {
      const first = reversed('refund', 200, '2000000');
      given([created, succeeded, first]).when(refund(200)).thenNothing();
      given([created, succeeded, first]).when(refund(100)).thenNothing();
      given([created, succeeded, first])
        .when(refund(500))
        .then([reversed('refund', 300, '3000000')]);
    });

    it('takes a dispute back once per dispute', () => {
      given([created, succeeded])
        .when(dispute(500))
        .then([reversed('dispute', 500, '5000000')]);
      given([created, succeeded, reversed('dispute', 500, '5000000')])
        .when(dispute(500))
        .thenNothing();
    });

    it('never takes back more than the deposit brought in, refunds and disputes together', () => {
      given([created, succeeded, reversed('refund', 300, '3000000')])
        .when(dispute(500))
        .then([reversed('dispute', 200, '2000000')]);
      given([created, succeeded])
        .when(refund(900))
        .then([reversed('refund', 500, '5000000')]);
    });

    it('debits what the wallet still holds and records the rest as the shortfall, never below zero', () => {
      given([created, succeeded])
        .when(dispute(500, 1_500_000n))
        .then([reversed('dispute', 500, '1500000', '3500000')]);
      given([created, succeeded])
        .when(dispute(500, -10n))
        .then([reversed('dispute', 500, '0', '5000000')]);
    });

    describe('a won dispute', () => {
      const reinstate = (disputeId = 'dp_1') => ({
        type: 'RecordDisputeReinstated' as const,
        disputeId,
        stripeEventId: 'evt_w',
        entryId: 'e4',
        now,
      });
      const disputed = reversed('dispute', 500, '1500000', '3500000');
      const reinstated: DepositEvent = {
        type: 'StripeDepositReinstated',
        data: {
          depositId: 'd1',
          organizationId: 'o1',
          paymentIntentId: 'pi_1',
          disputeId: 'dp_1',
          amountCents: 500,
          creditedAtomic: '1500000',
          lossRecoveredAtomic: '3500000',
          stripeEventId: 'evt_w',
          entryId: 'e4',
          reinstatedAt: now,
        },
      };

      it('gives back what the dispute took, as it took it, once', () => {
        given([created, succeeded, disputed]).when(reinstate()).then([reinstated]);
        given([created, succeeded, disputed, reinstated]).when(reinstate()).thenNothing();
      });

      it('gives nothing for a dispute that took nothing', () =>
        given([created, succeeded, disputed]).when(reinstate('dp_other')).thenNothing());

      it("counts the reinstated amount as the deposit's again: a later refund may take it", () =>
        given([created, succeeded, disputed, reinstated])
          .when(refund(500))
          .then([reversed('refund', 500, '5000000')]));
    });

    it('takes nothing back of a deposit that was never credited', () => {
      given([created]).when(refund(500)).thenNothing();
      given([]).when(dispute(500)).thenNothing();
    });
  });
});
