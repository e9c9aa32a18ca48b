import type { Commerce } from '../application.js';
import { applyScheduledDowngrade } from './service.js';

/** The plan downgrade timer's activity, made from the application context. */
export function planActivities(commerce: Commerce) {
  return {
    applyScheduledDowngrade: (organizationId: string, changeId: string) =>
      applyScheduledDowngrade(commerce, organizationId, changeId),
  };
}

export type PlanActivities = ReturnType<typeof planActivities>;
