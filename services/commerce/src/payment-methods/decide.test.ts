import { specOf } from '@seren/testing';
import { paymentMethodsDecider } from './decide';
import type { PaymentMethodEvent } from './payment-methods';

const given = specOf(paymentMethodsDecider);
const now = '2026-12-01T10:00:00.000Z';
const attach = (id: string, setAsDefault = false) => ({
  type: 'AttachPaymentMethod' as const,
  organizationId: 'o1',
  paymentMethodId: id,
  stripePaymentMethodId: `pm_${id}`,
  stripeCustomerId: 'cus_1',
  methodType: 'card',
  card: null,
  setAsDefault,
  by: 'u1',
  now,
});
const attached = (id: string): PaymentMethodEvent => ({
  type: 'PaymentMethodAttached',
  data: {
    paymentMethodId: id,
    organizationId: 'o1',
    stripePaymentMethodId: `pm_${id}`,
    stripeCustomerId: 'cus_1',
    type: 'card',
    card: null,
    addedBy: 'u1',
    attachedAt: now,
  },
});
const defaulted = (id: string | null): PaymentMethodEvent => ({
  type: 'DefaultPaymentMethodChanged',
  data: { organizationId: 'o1', paymentMethodId: id, changedAt: now },
});
const removed = (id: string): PaymentMethodEvent => ({
  type: 'PaymentMethodRemoved',
  data: {
    paymentMethodId: id,
    organizationId: 'o1',
    stripePaymentMethodId: `pm_${id}`,
    removedBy: 'u1',
    removedAt: now,
  },
});
const remove = (id: string) => ({
  type: 'RemovePaymentMethod' as const,
  organizationId: 'o1',
  paymentMethodId: id,
  by: 'u1',
  now,
});

describe('payment methods', () => {
  it('makes the first method the default, whatever was asked', () =>
    given([])
      .when(attach('a'))
      .then([attached('a'), defaulted('a')]));

  it('adds a second one as the default only when asked', () => {
    given([attached('a'), defaulted('a')])
      .when(attach('b'))
      .then([attached('b')]);
    given([attached('a'), defaulted('a')])
      .when(attach('b', true))
      .then([attached('b'), defaulted('b')]);
  });

  it('refuses the same Stripe method twice', () =>
    given([attached('a'), defaulted('a')])
      .when(attach('a'))
      .thenThrows({ code: 'CONFLICT' }));

  it('promotes the newest remaining method when the default is removed, and none when it was the last', () => {
    given([attached('a'), defaulted('a'), attached('b'), attached('c')])
      .when(remove('a'))
      .then([removed('a'), defaulted('c')]);
    given([attached('a'), defaulted('a')])
      .when(remove('a'))
      .then([removed('a'), defaulted(null)]);
    given([attached('a'), defaulted('a'), attached('b')])
      .when(remove('b'))
      .then([removed('b')]);
  });

  it('answers NOT_FOUND for a method it does not have', () =>
    given([attached('a'), defaulted('a'), removed('a')])
      .when(remove('a'))
      .thenThrows({ code: 'NOT_FOUND' }));
});
