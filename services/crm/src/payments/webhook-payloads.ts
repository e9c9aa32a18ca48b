import type { EventData, PaymentFailed, PaymentRefunded, PaymentSucceeded } from '@seren/contracts';

// The location webhooks payments send (the webhook engine spreads this map into its registry and adds
// `webhookId` and `timestamp`). HighLevel has no transaction webhook of its own, so the names are
// Serebro's (`PaymentReceived`, `PaymentFailed`, `PaymentRefunded`) with HighLevel's transaction
// field names: `_id`, `altId` / `altType` (the location), `contactId`, `amount` (minor units),
// `currency`, `status`.

/** One webhook body: HighLevel's `type` and the location it is sent for, then the event's fields. */
export interface PaymentWebhookBody {
  type: string;
  locationId: string;
  [field: string]: unknown;
}

/** What the engine calls with: an event's type and data (a consumed event fits). */
interface PaymentEventLike {
  type: string;
  data: unknown;
}

export type PaymentWebhookPayloads = {
  [eventType: string]: (event: PaymentEventLike) => PaymentWebhookBody | PaymentWebhookBody[] | undefined;
};

const transaction = (d: {
  paymentId: string;
  locationId: string;
  contactId: string;
  amount: number;
  currency: string;
}) => ({
  locationId: d.locationId,
  _id: d.paymentId,
  altId: d.locationId,
  altType: 'location',
  contactId: d.contactId,
  currency: d.currency,
});

export const paymentWebhookPayloads: PaymentWebhookPayloads = {
  PaymentSucceeded: (event) => {
    const d = event.data as EventData<typeof PaymentSucceeded>;
    return {
      type: 'PaymentReceived',
      ...transaction(d),
      amount: d.amountCaptured,
      status: 'succeeded',
      liveMode: d.liveMode,
      createdAt: d.succeededAt,
    };
  },
  PaymentFailed: (event) => {
    const d = event.data as EventData<typeof PaymentFailed>;
    return {
      type: 'PaymentFailed',
      ...transaction(d),
      amount: d.amount,
      status: 'failed',
      failureMessage: d.failureMessage,
      createdAt: d.failedAt,
    };
  },
  PaymentRefunded: (event) => {
    const d = event.data as EventData<typeof PaymentRefunded>;
    return {
      type: 'PaymentRefunded',
      ...transaction(d),
      amount: d.refundAmount,
      amountRefunded: d.amountRefunded,
      refundId: d.refundId,
      status: 'refunded',
      createdAt: d.refundedAt,
    };
  },
};
