import {
  OrganizationPlanChanged,
  PlanDowngradeCancelled,
  PlanDowngradeScheduled,
  type EventOf,
} from '@seren/contracts';
import { DEFAULT_PLAN_ID } from './catalog.js';

export type OrganizationPlanEvent = EventOf<
  [typeof OrganizationPlanChanged, typeof PlanDowngradeScheduled, typeof PlanDowngradeCancelled]
>;

export const organizationPlanStream = (organizationId: string) => `organization-plan-${organizationId}`;

export interface PendingDowngrade {
  changeId: string;
  toPlanId: string;
  effectiveAt: string;
  workflowId: string;
}

export interface OrganizationPlanState {
  planId: string;
  pending: PendingDowngrade | null;
}

export const initialOrganizationPlanState = (): OrganizationPlanState => ({
  planId: DEFAULT_PLAN_ID,
  pending: null,
});

export function evolveOrganizationPlan(
  state: OrganizationPlanState,
  event: OrganizationPlanEvent,
): OrganizationPlanState {
  switch (event.type) {
    case 'OrganizationPlanChanged':
      return { planId: event.data.toPlanId, pending: null };
    case 'PlanDowngradeScheduled': {
      const { changeId, toPlanId, effectiveAt, workflowId } = event.data;
      return { ...state, pending: { changeId, toPlanId, effectiveAt, workflowId } };
    }
    case 'PlanDowngradeCancelled':
      return state.pending?.changeId === event.data.changeId ? { ...state, pending: null } : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
