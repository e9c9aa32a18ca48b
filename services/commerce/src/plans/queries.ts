import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { DEFAULT_PLAN_ID, periodOf, planOf, type Plan } from './catalog.js';

export interface OrganizationPlanView {
  organizationId: string;
  plan: Plan;
  status: 'active';
  currentPeriodStart: string;
  currentPeriodEnd: string;
  /** the plan a scheduled downgrade moves to at the period's end */
  pendingPlan: Plan | null;
  pendingChangeAt: string | null;
  /** the payment method of the last paid change */
  stripePaymentMethodId: string | null;
  /** what the last upgrade charged for the rest of its period */
  lastProrationCents: number | null;
  /** when the plan last changed; null while on the default plan since the start */
  changedAt: string | null;
}

interface OrganizationPlanRow {
  plan_id: string;
  pending_plan_id: string | null;
  pending_effective_at: Date | null;
  stripe_payment_method_id: string | null;
  last_proration_cents: string | null;
  changed_at: Date;
}

/** The organization's plan now: the default plan when it never changed. */
export async function organizationPlanOf(
  app: ApplicationContext,
  organizationId: string,
  now: Date,
  manager?: EntityManager,
): Promise<OrganizationPlanView> {
  const rows: OrganizationPlanRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from organization_plans where organization_id = $1`,
    [organizationId],
  );
  const row = rows[0];
  const period = periodOf(now);
  return {
    organizationId,
    plan: planOf(row?.plan_id ?? DEFAULT_PLAN_ID)!,
    status: 'active',
    currentPeriodStart: period.start.toISOString(),
    currentPeriodEnd: period.end.toISOString(),
    pendingPlan: row?.pending_plan_id ? (planOf(row.pending_plan_id) ?? null) : null,
    pendingChangeAt: row?.pending_effective_at?.toISOString() ?? null,
    stripePaymentMethodId: row?.stripe_payment_method_id ?? null,
    lastProrationCents: row?.last_proration_cents == null ? null : Number(row.last_proration_cents),
    changedAt: row?.changed_at.toISOString() ?? null,
  };
}

export interface QuotaUsageView {
  organizationId: string;
  plan: Plan;
  periodStart: string;
  periodEnd: string;
  requestsUsed: number;
  requestsLimit: number;
  requestsRemaining: number;
  /** share of the month's included requests used, 0-100 (above 100 past the quota), two decimals */
  percentUsed: number;
  /** what the organization's charges this period took from its wallet, per asset (atomic units) */
  spend: { asset: string; amountAtomic: bigint }[];
}

/**
 * The organization's usage in the current period, read from the ledger's journal: each charge
 * entry of the organization is one paid request, its debits of the organization's wallet what it
 * spent. (The proxy's usage events are to feed it as well once the proxy exists.)
 */
export async function quotaUsageOf(
  app: ApplicationContext,
  organizationId: string,
  plan: Plan,
  now: Date,
): Promise<QuotaUsageView> {
  const { start, end } = periodOf(now);
  const [counted, spent]: [{ requests: string }[], { asset: string; spent: string }[]] = await Promise.all([
    app.dataSource.query(
      `select count(*) as requests from ledger_entries
       where organization_id = $1 and kind = 'charge' and created_at >= $2 and created_at < $3`,
      [organizationId, start, end],
    ),
    app.dataSource.query(
      `select l.asset, -sum(l.amount) as spent
       from ledger_entries e join ledger_lines l on l.entry_id = e.id
       where e.organization_id = $1 and e.kind = 'charge' and e.created_at >= $2 and e.created_at < $3
         and l.account like $4 and l.amount < 0
       group by l.asset order by l.asset`,
      [organizationId, start, end, `agent:${organizationId}:%`],
    ),
  ]);
  const requestsUsed = Number(counted[0]?.requests ?? 0);
  return {
    organizationId,
    plan,
    periodStart: start.toISOString(),
    periodEnd: end.toISOString(),
    requestsUsed,
    requestsLimit: plan.includedRequests,
    requestsRemaining: Math.max(0, plan.includedRequests - requestsUsed),
    percentUsed: Math.round((requestsUsed / plan.includedRequests) * 10_000) / 100,
    spend: spent.map((row) => ({ asset: row.asset, amountAtomic: BigInt(row.spent) })),
  };
}
