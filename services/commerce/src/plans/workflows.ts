// Bundled into Temporal's deterministic sandbox: no I/O here. A downgrade takes effect at the end of
// the organization's period: a durable timer (it survives worker and server restarts), then the
// activity applies the schedule it was started for, unless that schedule was replaced meanwhile.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { PlanActivities } from './activities.js';

const { applyScheduledDowngrade } = proxyActivities<PlanActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

export interface DowngradeAtPeriodEndInput {
  organizationId: string;
  changeId: string;
  /** how long until the period ends, measured when the downgrade was scheduled */
  delayMs: number;
}

export async function downgradeAtPeriodEnd(input: DowngradeAtPeriodEndInput): Promise<void> {
  await sleep(Math.max(0, input.delayMs));
  await applyScheduledDowngrade(input.organizationId, input.changeId);
}
