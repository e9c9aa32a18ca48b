import { specOf } from '@seren/testing';
import { checkIntent, paymentDecider } from './decide';
import type { PaymentEvent } from './payment';

const given = specOf(paymentDecider);
const now = '2026-12-02T10:00:00.000Z';
const base = { paymentId: 'pay1', locationId: 'loc1', contactId: 'c1', amount: 5000, currency: 'USD' };
const intent = { amount: 5000, currency: 'USD', description: 'Deposit', metadata: { order: '42' } };

const created: PaymentEvent = {
  type: 'PaymentIntentCreated',
  data: {
    ...base,
    connectionId: 'conn1',
    provider: 'stripe',
    liveMode: false,
    providerPaymentId: 'pi_1',
    description: 'Deposit',
    metadata: { order: '42' },
    opportunityId: null,
    appointmentId: null,
    returnUrl: null,
    createdAt: now,
  },
};
const confirmed: PaymentEvent = { type: 'PaymentIntentConfirmed', data: { ...base, confirmedAt: now } };
const succeeded: PaymentEvent = {
  type: 'PaymentSucceeded',
  data: {
    ...base,
    amountCaptured: 5000,
    liveMode: false,
    providerEventId: 'evt_1',
    source: 'webhook',
    succeededAt: now,
  },
};
const refundRequested = (refundId: string, refundAmount: number): PaymentEvent => ({
  type: 'PaymentRefundRequested',
  data: { ...base, refundId, refundAmount, requestedAt: now },
});
const refunded = (refundId: string, refundAmount: number, amountRefunded: number): PaymentEvent => ({
  type: 'PaymentRefunded',
  data: {
    ...base,
    refundId,
    refundAmount,
    amountRefunded,
    providerRefundId: `re_${refundId}`,
    source: 'provider_response',
    refundedAt: now,
  },
});

const succeedOnce = {
  type: 'RecordPaymentSucceeded' as const,
  amountCaptured: 5000,
  providerEventId: 'evt_1',
  source: 'webhook' as const,
  now,
};

describe('payments', () => {
  it('creates an intent for a contact at the provider', () =>
    given([])
      .when({
        type: 'CreatePaymentIntent',
        paymentId: 'pay1',
        locationId: 'loc1',
        contactId: 'c1',
        opportunityId: null,
        appointmentId: null,
        connectionId: 'conn1',
        provider: 'stripe',
        liveMode: false,
        providerPaymentId: 'pi_1',
        intent,
        returnUrl: null,
        now,
      })
      .then([created]));

  it('checks amount (integer minor units), currency and metadata, every bad field at once', () => {
    expect(() => checkIntent({ amount: 12.5, currency: 'dollars', metadata: { 'a[b]': 'x' } })).toThrow(
      expect.objectContaining({
        details: expect.objectContaining({
          fields: [
            expect.objectContaining({ field: 'amount' }),
            expect.objectContaining({ field: 'currency' }),
            expect.objectContaining({ field: 'metadata.a[b]' }),
          ],
        }),
      }),
    );
    expect(checkIntent({ amount: 100, currency: 'eur', metadata: { n: 1 } })).toEqual({
      amount: 100,
      currency: 'EUR',
      description: null,
      metadata: { n: '1' },
    });
  });

  it('confirms a created intent; confirming it again while processing changes nothing', () => {
    given([created]).when({ type: 'ConfirmPaymentIntent', locationId: 'loc1', now }).then([confirmed]);
    given([created, confirmed]).when({ type: 'ConfirmPaymentIntent', locationId: 'loc1', now }).thenNothing();
  });

  it("answers another location's payment as not found", () =>
    given([created])
      .when({ type: 'ConfirmPaymentIntent', locationId: 'loc2', now })
      .thenThrows({ code: 'NOT_FOUND' }));

  it('records a success once: a second report (another event id, the reconciliation) appends nothing', () => {
    given([created, confirmed]).when(succeedOnce).then([succeeded]);
    given([created, confirmed, succeeded])
      .when({ ...succeedOnce, providerEventId: 'reconcile:pi_1:succeeded', source: 'reconciliation' })
      .thenNothing();
  });

  it('does not cancel a succeeded payment (refund it instead)', () =>
    given([created, succeeded])
      .when({ type: 'CancelPaymentIntent', locationId: 'loc1', reason: null, now })
      .thenThrows({ code: 'CONFLICT', reason: 'PAYMENT_NOT_CANCELABLE' }));

  it('holds a partial refund, then records it', () => {
    given([created, succeeded])
      .when({ type: 'RequestRefund', locationId: 'loc1', refundId: 'r1', amount: 2000, now })
      .then([refundRequested('r1', 2000)]);
    given([created, succeeded, refundRequested('r1', 2000)])
      .when({
        type: 'RecordRefund',
        refundId: 'r1',
        amount: 2000,
        providerRefundId: 're_r1',
        source: 'provider_response',
        now,
      })
      .then([refunded('r1', 2000, 2000)]);
  });

  it('refuses a refund above what was captured less refunded and held (400 on amount)', () =>
    given([
      created,
      succeeded,
      refundRequested('r1', 2000),
      refunded('r1', 2000, 2000),
      refundRequested('r2', 2000),
    ])
      .when({ type: 'RequestRefund', locationId: 'loc1', refundId: 'r3', amount: 1001, now })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('refunds all that is left when no amount is given', () =>
    given([created, succeeded, refundRequested('r1', 2000), refunded('r1', 2000, 2000)])
      .when({ type: 'RequestRefund', locationId: 'loc1', refundId: 'r2', amount: undefined, now })
      .then([refundRequested('r2', 3000)]));

  it('refuses a refund of a payment that has not succeeded', () =>
    given([created])
      .when({ type: 'RequestRefund', locationId: 'loc1', refundId: 'r1', amount: 100, now })
      .thenThrows({ code: 'CONFLICT', reason: 'PAYMENT_NOT_REFUNDABLE' }));

  it('asks the same refund twice (a retried key) only once, and records it once', () => {
    given([created, succeeded, refundRequested('r1', 2000)])
      .when({ type: 'RequestRefund', locationId: 'loc1', refundId: 'r1', amount: 2000, now })
      .thenNothing();
    given([created, succeeded, refundRequested('r1', 2000), refunded('r1', 2000, 2000)])
      .when({
        type: 'RecordRefund',
        refundId: 'r1',
        amount: 2000,
        providerRefundId: 're_r1',
        source: 'webhook',
        now,
      })
      .thenNothing();
  });

  it('frees a held amount when the provider refuses the refund', () =>
    given([created, succeeded, refundRequested('r1', 2000)])
      .when({ type: 'RecordRefundFailed', refundId: 'r1', reason: 'declined', now })
      .then([
        {
          type: 'PaymentRefundFailed',
          data: { ...base, refundId: 'r1', refundAmount: 2000, reason: 'declined', failedAt: now },
        },
      ]));

  it('caps a refund made at the provider (reported by webhook only) at what is refundable', () =>
    given([created, succeeded, refundRequested('r1', 4000), refunded('r1', 4000, 4000)])
      .when({
        type: 'RecordRefund',
        refundId: 're_dash',
        amount: 5000,
        providerRefundId: 're_dash',
        source: 'webhook',
        now,
      })
      .then([
        {
          ...refunded('re_dash', 1000, 5000),
          data: { ...refunded('re_dash', 1000, 5000).data, providerRefundId: 're_dash', source: 'webhook' },
        } as PaymentEvent,
      ]));
});
