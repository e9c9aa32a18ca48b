import { defineProjection } from '@seren/event-store';
import type { OrganizationPlanEvent } from './plan.js';

/**
 * `organization_plans`: an organization's plan and its pending downgrade. No row means the default
 * plan, nothing pending; the first event of an organization creates its row.
 */
export const organizationPlansProjection = defineProjection<OrganizationPlanEvent>({
  name: 'organization_plans',
  handles: ['OrganizationPlanChanged', 'PlanDowngradeScheduled', 'PlanDowngradeCancelled'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'OrganizationPlanChanged': {
        const d = event.data;
        await manager.query(
          `insert into organization_plans as p (organization_id, plan_id, stripe_payment_method_id,
             last_proration_cents, last_payment_intent_id, changed_at, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $6, $6)
           on conflict (organization_id) do update set plan_id = excluded.plan_id,
             stripe_payment_method_id = coalesce(excluded.stripe_payment_method_id, p.stripe_payment_method_id),
             last_proration_cents = excluded.last_proration_cents,
             last_payment_intent_id = excluded.last_payment_intent_id,
             pending_plan_id = null, pending_change_id = null, pending_effective_at = null, pending_workflow_id = null,
             changed_at = excluded.changed_at, updated_at = excluded.updated_at`,
          [
            d.organizationId,
            d.toPlanId,
            d.stripePaymentMethodId,
            d.prorationCents,
            d.paymentIntentId,
            d.changedAt,
          ],
        );
        return;
      }
      case 'PlanDowngradeScheduled': {
        const d = event.data;
        await manager.query(
          `insert into organization_plans as p (organization_id, plan_id, pending_plan_id, pending_change_id,
             pending_effective_at, pending_workflow_id, changed_at, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $7, $7)
           on conflict (organization_id) do update set pending_plan_id = excluded.pending_plan_id,
             pending_change_id = excluded.pending_change_id, pending_effective_at = excluded.pending_effective_at,
             pending_workflow_id = excluded.pending_workflow_id, updated_at = excluded.updated_at`,
          [
            d.organizationId,
            d.fromPlanId,
            d.toPlanId,
            d.changeId,
            d.effectiveAt,
            d.workflowId,
            d.scheduledAt,
          ],
        );
        return;
      }
      case 'PlanDowngradeCancelled': {
        const d = event.data;
        await manager.query(
          `update organization_plans set pending_plan_id = null, pending_change_id = null,
             pending_effective_at = null, pending_workflow_id = null, updated_at = $3
           where organization_id = $1 and pending_change_id = $2`,
          [d.organizationId, d.changeId, d.cancelledAt],
        );
        return;
      }
      default:
        return;
    }
  },
});
