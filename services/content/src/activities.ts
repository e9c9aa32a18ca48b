import type { Content } from './application.js';
import { billingActivities } from './billing/activities.js';
import { postActivities } from './posts/activities.js';
import { sourceActivities } from './sources/activities.js';

/** Every activity content's worker runs, made from the application context. */
export const contentActivities = (content: Content) => ({
  ...postActivities(content),
  ...sourceActivities(content),
  ...billingActivities(content),
});
