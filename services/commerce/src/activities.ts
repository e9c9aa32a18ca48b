import type { Commerce } from './application.js';
import { echoActivities } from './echo/activities.js';

/** Every activity commerce's worker runs, made from the application context. */
export const commerceActivities = (commerce: Commerce) => ({
  ...echoActivities(commerce),
});
