import type { Crm } from '../application.js';
import { reconcileConnection } from './reconcile.js';

/** The payments activities crm's worker runs (registered in ../activities.ts). */
export const paymentActivities = (crm: Crm) => ({
  /** reads the connection's provider and applies what its webhooks missed (each event id once) */
  reconcilePayments: (connectionId: string) => reconcileConnection(crm, connectionId),
});

export type PaymentActivities = ReturnType<typeof paymentActivities>;
