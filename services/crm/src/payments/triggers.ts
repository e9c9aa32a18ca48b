import type { EventData, PaymentSucceeded } from '@seren/contracts';
import type { TriggerMap } from '../automation/triggers.js';

// What payments mean for workflows: a succeeded payment fires `payment_received` for its contact
// (the automation consumer spreads this map into its registry). Data is flat and JSON-safe; amounts
// in minor units.

export const paymentTriggers: TriggerMap = {
  PaymentSucceeded: (event) => {
    const data = event.data as EventData<typeof PaymentSucceeded>;
    return {
      trigger: 'payment_received',
      locationId: data.locationId,
      contactId: data.contactId,
      data: {
        paymentId: data.paymentId,
        amount: data.amountCaptured,
        currency: data.currency,
        liveMode: data.liveMode,
      },
    };
  },
};
