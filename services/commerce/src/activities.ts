import { agentTaskActivities } from './agent-tasks/activities.js';
import type { Commerce } from './application.js';
import { planActivities } from './plans/activities.js';

/** Every activity commerce's worker runs, made from the application context. */
export const commerceActivities = (commerce: Commerce) => ({
  ...agentTaskActivities(commerce),
  ...planActivities(commerce),
});
