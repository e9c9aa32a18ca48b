import { z } from 'zod';
import { defineEvent } from '../define.js';

// SerenAI plans (commerce service): which subscription tier an organization is on. Stream
// `organization-plan-<organization id>`, aggregate `organization_plan`. Periods are calendar
// months (UTC). An upgrade applies at once and charges the price difference for what is left of the
// period (proration); a downgrade is scheduled for the period's end, where a durable Temporal
// timer applies it.

const id = z.string().min(1);
const at = z.iso.datetime();
const cents = z.number().int().min(0);

export const OrganizationPlanChanged = defineEvent({
  type: 'OrganizationPlanChanged',
  version: 1,
  domain: 'commerce',
  aggregate: 'organization_plan',
  description:
    "The organization's plan changed now: an upgrade (with its prorated charge) or a scheduled downgrade reaching the period's end.",
  schema: z.object({
    organizationId: id,
    fromPlanId: id,
    toPlanId: id,
    /** what the rest of the period cost at the new price minus the old; 0 for downgrades */
    prorationCents: cents,
    /** the Stripe PaymentIntent that charged the proration, when one was charged */
    paymentIntentId: id.nullable(),
    stripePaymentMethodId: id.nullable(),
    /** the schedule this change carried out (a downgrade at the period's end), else null */
    changeId: id.nullable(),
    /** who asked; `system` for a scheduled downgrade */
    changedBy: id,
    changedAt: at,
  }),
});

export const PlanDowngradeScheduled = defineEvent({
  type: 'PlanDowngradeScheduled',
  version: 1,
  domain: 'commerce',
  aggregate: 'organization_plan',
  description: "A downgrade was scheduled for the end of the organization's current period.",
  schema: z.object({
    organizationId: id,
    /** identifies this schedule: the timer applies only the schedule it was started for */
    changeId: id,
    fromPlanId: id,
    toPlanId: id,
    effectiveAt: at,
    /** the Temporal workflow holding the timer */
    workflowId: id,
    scheduledBy: id,
    scheduledAt: at,
  }),
});

export const PlanDowngradeCancelled = defineEvent({
  type: 'PlanDowngradeCancelled',
  version: 1,
  domain: 'commerce',
  aggregate: 'organization_plan',
  description: 'A scheduled downgrade was dropped: another plan change replaced it.',
  schema: z.object({
    organizationId: id,
    changeId: id,
    cancelledBy: id,
    cancelledAt: at,
  }),
});

export const organizationPlanEvents = [
  OrganizationPlanChanged,
  PlanDowngradeScheduled,
  PlanDowngradeCancelled,
] as const;
