import { domainErrorsOf } from '@seren/service-kit/errors';
import { planOf } from './catalog.js';
import {
  evolveOrganizationPlan,
  initialOrganizationPlanState,
  type OrganizationPlanEvent,
  type OrganizationPlanState,
} from './plan.js';

export type PlanChangeKind = 'unchanged' | 'keep_current' | 'upgrade' | 'downgrade';

export type OrganizationPlanCommand =
  | {
      type: 'ChangePlan';
      organizationId: string;
      toPlanId: string;
      by: string;
      now: string;
      /** for a downgrade: its schedule's id, the end of the period and the timer's workflow */
      changeId: string;
      effectiveAt: string;
      workflowId: string;
      /** for an upgrade: what was charged for the rest of the period, and how */
      prorationCents: number;
      paymentIntentId: string | null;
      stripePaymentMethodId: string | null;
    }
  | { type: 'ApplyScheduledDowngrade'; organizationId: string; changeId: string; now: string };

const errors = domainErrorsOf<never>();

function knownPlan(id: string) {
  const plan = planOf(id);
  if (!plan) throw errors.notFound('plan');
  return plan;
}

/**
 * What asking for `toPlanId` means now: nothing (already on it, nothing pending), dropping a pending
 * downgrade (asking for the current plan again), an upgrade (dearer: at once, prorated) or a
 * downgrade (cheaper: at the period's end).
 */
export function planChangeOf(state: OrganizationPlanState, toPlanId: string): PlanChangeKind {
  const to = knownPlan(toPlanId);
  const current = knownPlan(state.planId);
  if (to.id === current.id) return state.pending ? 'keep_current' : 'unchanged';
  return to.monthlyPriceCents > current.monthlyPriceCents ? 'upgrade' : 'downgrade';
}

export function decideOrganizationPlan(
  command: OrganizationPlanCommand,
  state: OrganizationPlanState,
): OrganizationPlanEvent[] {
  switch (command.type) {
    case 'ChangePlan': {
      const kind = planChangeOf(state, command.toPlanId);
      if (kind === 'unchanged') return [];
      const events: OrganizationPlanEvent[] = [];
      if (state.pending)
        events.push({
          type: 'PlanDowngradeCancelled',
          data: {
            organizationId: command.organizationId,
            changeId: state.pending.changeId,
            cancelledBy: command.by,
            cancelledAt: command.now,
          },
        });
      if (kind === 'upgrade')
        events.push({
          type: 'OrganizationPlanChanged',
          data: {
            organizationId: command.organizationId,
            fromPlanId: state.planId,
            toPlanId: command.toPlanId,
            prorationCents: command.prorationCents,
            paymentIntentId: command.paymentIntentId,
            stripePaymentMethodId: command.stripePaymentMethodId,
            changeId: null,
            changedBy: command.by,
            changedAt: command.now,
          },
        });
      if (kind === 'downgrade')
        events.push({
          type: 'PlanDowngradeScheduled',
          data: {
            organizationId: command.organizationId,
            changeId: command.changeId,
            fromPlanId: state.planId,
            toPlanId: command.toPlanId,
            effectiveAt: command.effectiveAt,
            workflowId: command.workflowId,
            scheduledBy: command.by,
            scheduledAt: command.now,
          },
        });
      return events;
    }
    case 'ApplyScheduledDowngrade': {
      // a timer whose schedule was replaced or cancelled since does nothing
      if (state.pending?.changeId !== command.changeId) return [];
      return [
        {
          type: 'OrganizationPlanChanged',
          data: {
            organizationId: command.organizationId,
            fromPlanId: state.planId,
            toPlanId: state.pending.toPlanId,
            prorationCents: 0,
            paymentIntentId: null,
            stripePaymentMethodId: null,
            changeId: command.changeId,
            changedBy: 'system',
            changedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const organizationPlanDecider = {
  streamType: 'organization_plan',
  initialState: initialOrganizationPlanState,
  evolve: evolveOrganizationPlan,
  decide: decideOrganizationPlan,
};
