import type { ConsumedEvent } from '@seren/event-store';
import { paymentTriggers } from './triggers';
import { paymentWebhookPayloads } from './webhook-payloads';

const succeeded = {
  id: 'e1',
  type: 'PaymentSucceeded',
  data: {
    paymentId: 'pay1',
    locationId: 'loc1',
    contactId: 'c1',
    amount: 5000,
    currency: 'USD',
    amountCaptured: 5000,
    liveMode: false,
    providerEventId: 'evt_1',
    source: 'webhook',
    succeededAt: '2026-12-02T10:00:00.000Z',
  },
} as unknown as ConsumedEvent;

describe('payments in workflows and webhooks', () => {
  it('fires payment_received for the contact of a succeeded payment, amount in minor units', async () => {
    expect(await paymentTriggers.PaymentSucceeded!(succeeded, { query: async () => [] })).toEqual({
      trigger: 'payment_received',
      locationId: 'loc1',
      contactId: 'c1',
      data: { paymentId: 'pay1', amount: 5000, currency: 'USD', liveMode: false },
    });
  });

  it("sends PaymentReceived with HighLevel's transaction fields", () => {
    expect(paymentWebhookPayloads.PaymentSucceeded!(succeeded)).toEqual({
      type: 'PaymentReceived',
      locationId: 'loc1',
      _id: 'pay1',
      altId: 'loc1',
      altType: 'location',
      contactId: 'c1',
      currency: 'USD',
      amount: 5000,
      status: 'succeeded',
      liveMode: false,
      createdAt: '2026-12-02T10:00:00.000Z',
    });
  });
});
