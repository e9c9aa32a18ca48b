import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy } from '@temporalio/client';
import type { Crm } from '../application.js';

/** The id of a connection's reconciliation schedule. */
export const reconcileScheduleId = (connectionId: string) => `payments-reconcile-${connectionId}`;

/**
 * A Temporal schedule per connection runs its reconciliation every PAYMENTS_RECONCILE_EVERY_SECONDS
 * (a run still going skips the next). Made when the connection is; creating it twice is fine.
 */
export async function ensureReconcileSchedule(crm: Crm, connectionId: string): Promise<void> {
  try {
    await crm.workflows.schedule.create({
      scheduleId: reconcileScheduleId(connectionId),
      spec: { intervals: [{ every: `${crm.payments.reconcileEverySeconds}s` }] },
      action: {
        type: 'startWorkflow',
        workflowType: 'reconcilePaymentConnection',
        args: [connectionId],
        taskQueue: crm.taskQueue,
        workflowId: `payments-reconcile-run-${connectionId}`,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}

export async function removeReconcileSchedule(crm: Crm, connectionId: string): Promise<void> {
  try {
    await crm.workflows.schedule.getHandle(reconcileScheduleId(connectionId)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
}
