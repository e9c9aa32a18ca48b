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
});
