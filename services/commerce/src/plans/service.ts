import { randomUUID } from 'node:crypto';
import { anonymous, eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import { domainErrorsOf } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { requestHashOf, withIdempotency } from '../ledger/index.js';
import { defaultPaymentMethodOf, findPaymentMethod } from '../payment-methods/queries.js';
import { addPaymentMethod } from '../payment-methods/service.js';
import { stripeCall } from '../stripe/service.js';
import { organizationInPath, requireBillingManage } from './access.js';
import { periodOf, planOf, plans, prorationCents, type Plan } from './catalog.js';
import { organizationPlanDecider, planChangeOf, type OrganizationPlanCommand } from './decide.js';
import {
  evolveOrganizationPlan,
  initialOrganizationPlanState,
  organizationPlanStream,
  type OrganizationPlanEvent,
} from './plan.js';
import {
  organizationPlanOf,
  quotaUsageOf,
  type OrganizationPlanView,
  type QuotaUsageView,
} from './queries.js';
import type { downgradeAtPeriodEnd } from './workflows.js';

export type PlanReason = 'PAYMENT_METHOD_REQUIRED';
const errors = domainErrorsOf<PlanReason>();

/** Stripe does not charge less than 50 cents; a smaller proration is waived (recorded, not charged). */
export const MIN_CHARGE_CENTS = 50;

export const listPlans = (): readonly Plan[] => plans;

export function getPlan(planId: string): Plan {
  const plan = planOf(planId);
  if (!plan) throw errors.notFound('plan');
  return plan;
}

export function getOrganizationPlan(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
): Promise<OrganizationPlanView> {
  const access = organizationInPath(request, organizationId);
  return organizationPlanOf(commerce, access.organizationId, commerce.now());
}

export async function getQuotaUsage(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
): Promise<QuotaUsageView> {
  const access = organizationInPath(request, organizationId);
  const now = commerce.now();
  const current = await organizationPlanOf(commerce, access.organizationId, now);
  return quotaUsageOf(commerce, access.organizationId, current.plan, now);
}

async function planState(commerce: Commerce, organizationId: string, manager: EntityManager) {
  const { events } = await commerce.store.readStream<OrganizationPlanEvent>(
    organizationPlanStream(organizationId),
    { manager },
  );
  return events.reduce(evolveOrganizationPlan, initialOrganizationPlanState());
}

/**
 * Moves the organization to `planId`. A dearer plan applies at once: the price difference for the
 * rest of the period is charged off-session to the given payment method (attached first when it is
 * new), else the default one (none: 400 PAYMENT_METHOD_REQUIRED; a declined card: 400 from Stripe).
 * A cheaper plan is scheduled for the period's end, where a durable Temporal timer applies it.
 * Asking for the current plan again drops a pending downgrade. Needs billing.manage. With an
 * idempotency key (Stripe's semantics, through the ledger's `withIdempotency`) a retry answers the
 * first result and Stripe sees the same key, so a proration is never charged twice.
 */
export async function changeOrganizationPlan(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  input: { planId: string; stripePaymentMethodId?: string | null },
  idempotencyKey?: string | null,
): Promise<OrganizationPlanView> {
  const { organizationId } = organizationInPath(request, organizationIdOrDefault);
  requireBillingManage(request);
  getPlan(input.planId);
  const stripePaymentMethodId = input.stripePaymentMethodId?.trim() || null;
  return withIdempotency(
    commerce,
    {
      scope: `POST /organizations/plan:${organizationId}`,
      key: idempotencyKey,
      requestHash: requestHashOf({ planId: input.planId, stripePaymentMethodId }),
    },
    (tx) =>
      changePlanIn(commerce, tx, request, organizationId, {
        planId: input.planId,
        stripePaymentMethodId,
        idempotencyKey: idempotencyKey || null,
      }),
  );
}

async function changePlanIn(
  commerce: Commerce,
  tx: EntityManager,
  request: RequestOrigin,
  organizationId: string,
  input: { planId: string; stripePaymentMethodId: string | null; idempotencyKey: string | null },
): Promise<OrganizationPlanView> {
  const { subject } = organizationInPath(request, organizationId);
  const state = await planState(commerce, organizationId, tx);
  const kind = planChangeOf(state, input.planId);
  const now = commerce.now();
  const changeId = randomUUID();
  const { end } = periodOf(now);
  const workflowId = `plan-downgrade-${organizationId}-${changeId}`;
  let charge = {
    prorationCents: 0,
    paymentIntentId: null as string | null,
    stripePaymentMethodId: null as string | null,
  };

  if (kind === 'upgrade') {
    charge = await chargeProration(commerce, request, organizationId, {
      from: planOf(state.planId)!,
      to: planOf(input.planId)!,
      now,
      stripeKey: `plan-change:${organizationId}:${input.idempotencyKey ?? changeId}`,
      stripePaymentMethodId: input.stripePaymentMethodId,
    });
  }
  if (kind === 'downgrade') {
    // The timer first: should the append fail, it finds no schedule of its id and does nothing.
    await commerce.workflows.workflow.start<typeof downgradeAtPeriodEnd>('downgradeAtPeriodEnd', {
      taskQueue: commerce.taskQueue,
      workflowId,
      args: [{ organizationId, changeId, delayMs: end.getTime() - now.getTime() }],
    });
  }
  const command: OrganizationPlanCommand = {
    type: 'ChangePlan',
    organizationId,
    toPlanId: input.planId,
    by: subject,
    now: now.toISOString(),
    changeId,
    effectiveAt: end.toISOString(),
    workflowId,
    ...charge,
  };
  const { events } = await handle(
    commerce,
    tx,
    organizationPlanStream(organizationId),
    organizationPlanDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
  // a replaced schedule's timer would do nothing when it fires; stopping it is tidiness
  for (const event of events)
    if (event.type === 'PlanDowngradeCancelled' && state.pending)
      await commerce.workflows.workflow
        .getHandle(state.pending.workflowId)
        .cancel()
        .catch(() => undefined);
  return organizationPlanOf(commerce, organizationId, now, tx);
}

async function chargeProration(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  change: { from: Plan; to: Plan; now: Date; stripeKey: string; stripePaymentMethodId: string | null },
) {
  const amount = prorationCents(change.from, change.to, change.now);
  if (amount < MIN_CHARGE_CENTS)
    return { prorationCents: amount, paymentIntentId: null, stripePaymentMethodId: null };
  const method = change.stripePaymentMethodId
    ? ((await findPaymentMethod(commerce, organizationId, change.stripePaymentMethodId)) ??
      (await addPaymentMethod(commerce, request, {
        stripePaymentMethodId: change.stripePaymentMethodId,
        setAsDefault: false,
      })))
    : await defaultPaymentMethodOf(commerce, organizationId);
  if (!method)
    throw errors.validationError(
      'a payment method is required to upgrade: add one or pass stripe_payment_method_id',
      {
        field: 'stripe_payment_method_id',
        reason: 'PAYMENT_METHOD_REQUIRED',
      },
    );
  const intent = await stripeCall(() =>
    commerce.stripe.client.paymentIntents.create(
      {
        amount,
        currency: 'usd',
        customer: method.stripeCustomerId,
        payment_method: method.stripePaymentMethodId,
        confirm: true,
        off_session: true,
        description: `SerenAI plan ${change.from.name} → ${change.to.name}, rest of the period`,
        metadata: {
          purpose: 'plan_proration',
          organization_id: organizationId,
          from_plan_id: change.from.id,
          to_plan_id: change.to.id,
        },
      },
      { idempotencyKey: change.stripeKey },
    ),
  );
  return {
    prorationCents: amount,
    paymentIntentId: intent.id,
    stripePaymentMethodId: method.stripePaymentMethodId,
  };
}

/** The downgrade timer's activity: applies the schedule `changeId` if it is still the pending one. */
export async function applyScheduledDowngrade(
  commerce: Commerce,
  organizationId: string,
  changeId: string,
): Promise<boolean> {
  const { events } = await handle(
    commerce,
    undefined,
    organizationPlanStream(organizationId),
    organizationPlanDecider,
    { type: 'ApplyScheduledDowngrade', organizationId, changeId, now: commerce.now().toISOString() },
    eventMetadataOf({ caller: anonymous }, { actor: 'system', organizationId }),
  );
  return events.length > 0;
}
