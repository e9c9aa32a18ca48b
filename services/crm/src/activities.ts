import type { Crm } from './application.js';
import { paymentActivities } from './payments/activities.js';
import { automationActivities } from './automation/activities.js';

/** Every activity crm's worker runs, made from the application context (none yet; see workflows.ts). */
export const crmActivities = (crm: Crm) => ({
  ...paymentActivities(crm),
  ...automationActivities(crm),
});
