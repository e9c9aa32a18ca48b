import type { Crm } from './application.js';

/** Every activity crm's worker runs, made from the application context (none yet; see workflows.ts). */
export const crmActivities = (_crm: Crm) => ({});
