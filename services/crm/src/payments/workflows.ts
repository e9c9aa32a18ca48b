import { proxyActivities } from '@temporalio/workflow';
import type { PaymentActivities } from './activities.js';

const { reconcilePayments } = proxyActivities<PaymentActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { maximumAttempts: 5, initialInterval: '5 seconds' },
});

/**
 * One run of a connection's reconciliation (its Temporal schedule starts it every
 * PAYMENTS_RECONCILE_EVERY_SECONDS): the activity reads the provider and repairs the intents a
 * webhook missed; what it did reaches read models only through the events it appends.
 */
export async function reconcilePaymentConnection(
  connectionId: string,
): Promise<{ findings: number; repaired: number }> {
  return reconcilePayments(connectionId);
}
