// Bundled into Temporal's deterministic sandbox: no I/O, clock or randomness. The durable timer of
// a user's subscription: it sleeps until the subscription's next instant (its billing cycle's end, or
// a past_due grace's end) and then has the activity close that period. A signal (the subscription
// changed: a cancel, an upgrade, a failed payment) makes it re-read what to wait for. Timers are
// the server's, not one machine's cron: a worker restart or another worker picks the sleep up.
import { condition, continueAsNew, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BillingActivities } from './activities.js';

const steps = proxyActivities<BillingActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' },
});

export const subscriptionChanged = defineSignal('subscriptionChanged');

export interface SubscriptionLifecycleInput {
  userId: string;
}

/** Periods closed per run before the history is started afresh (a subscription lives for years). */
const PERIODS_PER_RUN = 24;

export async function subscriptionLifecycle(input: SubscriptionLifecycleInput): Promise<void> {
  let changed = false;
  setHandler(subscriptionChanged, () => {
    changed = true;
  });
  for (let closed = 0; closed < PERIODS_PER_RUN;) {
    changed = false; // before the read: a change signalled during it is read again
    const timer = await steps.nextSubscriptionTimer(input.userId);
    if (!timer) return; // free: nothing to wait for (the next subscription starts a new timer)
    const wait = Date.parse(timer.at) - Date.now();
    if (wait > 0 && (await condition(() => changed, wait))) continue;
    await steps.closeSubscriptionPeriod(input.userId, timer);
    closed++;
  }
  await continueAsNew<typeof subscriptionLifecycle>(input);
}
