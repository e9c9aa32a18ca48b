import type { Content } from './application.js';
import { echoActivities } from './echo/activities.js';

/** Every activity content's worker runs, made from the application context. */
export const contentActivities = (content: Content) => ({
  ...echoActivities(content),
});
