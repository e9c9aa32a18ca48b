import type { Crm } from './application.js';
import { echoActivities } from './echo/activities.js';

/** Every activity crm's worker runs, made from the application context. */
export const crmActivities = (crm: Crm) => ({
  ...echoActivities(crm),
});
