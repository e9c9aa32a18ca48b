import { PublisherCallCompleted, topicFor, type EventData } from '@seren/contracts';
import { requireAuthenticated, type ConsumerDefinition, type RequestOrigin } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { accounts } from '../ledger/index.js';
import { publisherErrors, PRIMARY_ASSET } from './fields.js';
import { findPublisherRecord } from './queries.js';

// Publisher analytics ("Agent Analytics" in the spec): revenue with period-over-period change,
// revenue by day and top agents, read from a projection of the usage events (`PublisherCallCompleted`,
// appended by the proxy, database queries and agent tasks), never from a scan of the calls:
// per publisher, asset and UTC day (revenue, queries, failed calls), per agent and day (for unique
// agents), and per agent overall (for the ranking). It is a consumer of the usage event (group
// `commerce.publisher-usage`), not an inline projection: every capture of a publisher used to update
// that publisher's one row of the day inside the money's transaction, so calls of one publisher took
// turns on it (bench/README.md, "Publisher proxy"). The consumer applies events in batches (one
// transaction per up to 100) and each at most once (processed_events by event id); the price is a
// short delay (one relay hop) before a call shows in the analytics.
//
// What counts: a `captured` call is a query and its cost is revenue; a `free` call is a query with
// no revenue; a `released` call failed (upstream 5xx, timeout: the caller paid nothing) and is
// counted apart as failed, neither a query nor revenue.

type UsageEvent = EventData<typeof PublisherCallCompleted>;

export const PUBLISHER_USAGE_GROUP = 'commerce.publisher-usage';

/** The usage event's consumer: the analytics tables, once per event. */
export const publisherUsageConsumer = (groupId = PUBLISHER_USAGE_GROUP): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(PublisherCallCompleted)],
  events: [PublisherCallCompleted],
  pollIntervalMs: 100,
  handler: async (event, { manager }) => {
    if (event.type !== 'PublisherCallCompleted') return;
    await applyUsage(manager, event.data as UsageEvent);
  },
});

/** One usage event into the analytics tables (the consumer's handler). */
export async function applyUsage(manager: EntityManager, d: UsageEvent): Promise<void> {
  const day = d.at.slice(0, 10);
  if (d.outcome === 'released') {
    await manager.query(
      `insert into publisher_usage_daily (publisher_id, asset, day, failed) values ($1, $2, $3, 1)
         on conflict (publisher_id, asset, day) do update set failed = publisher_usage_daily.failed + 1`,
      [d.publisherId, d.asset, day],
    );
    return;
  }
  const revenue = d.outcome === 'captured' ? d.cost : '0';
  await manager.query(
    `insert into publisher_usage_daily (publisher_id, asset, day, revenue_atomic, queries) values ($1, $2, $3, $4, 1)
       on conflict (publisher_id, asset, day) do update set revenue_atomic = publisher_usage_daily.revenue_atomic + excluded.revenue_atomic,
         queries = publisher_usage_daily.queries + 1`,
    [d.publisherId, d.asset, day, revenue],
  );
  await manager.query(
    `insert into publisher_usage_agent_daily (publisher_id, asset, day, agent_wallet, revenue_atomic, queries)
       values ($1, $2, $3, $4, $5, 1)
       on conflict (publisher_id, asset, day, agent_wallet) do update set
         revenue_atomic = publisher_usage_agent_daily.revenue_atomic + excluded.revenue_atomic,
         queries = publisher_usage_agent_daily.queries + 1`,
    [d.publisherId, d.asset, day, d.agentWallet, revenue],
  );
  await manager.query(
    `insert into publisher_usage_agents (publisher_id, asset, agent_wallet, organization_id, spent_atomic, queries, last_active)
       values ($1, $2, $3, $4, $5, 1, $6)
       on conflict (publisher_id, asset, agent_wallet) do update set
         organization_id = coalesce(excluded.organization_id, publisher_usage_agents.organization_id),
         spent_atomic = publisher_usage_agents.spent_atomic + excluded.spent_atomic,
         queries = publisher_usage_agents.queries + 1,
         last_active = greatest(publisher_usage_agents.last_active, excluded.last_active)`,
    [d.publisherId, d.asset, d.agentWallet, d.organizationId, revenue, d.at],
  );
}

/**
 * The publisher analytics are its owner's: the path's organization must be the caller's (`default`
 * allowed) and the publisher its (a deleted one too: history stays); anything else is 404, the only
 * refusal the spec lists besides 401.
 */
async function ownedPublisher(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
): Promise<string> {
  requireAuthenticated(request.caller);
  const organizationId = request.caller.organizationId;
  const notFound = () => publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  if (
    !organizationId ||
    (organizationIdOrDefault !== 'default' && organizationIdOrDefault !== organizationId)
  )
    throw notFound();
  if (!/^[0-9a-f-]{36}$/i.test(publisherId)) throw notFound();
  const record = await findPublisherRecord(commerce.dataSource.manager, publisherId);
  if (!record || record.organizationId !== organizationId) throw notFound();
  return record.id;
}

function daysOf(value: number | null | undefined): number {
  const days = value ?? 30;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw publisherErrors.validationError('days: a whole number from 1 to 366', {
      field: 'days',
      reason: 'INVALID_FIELD',
    });
  return days;
}

const DAY_MS = 86_400_000;
const utcDay = (date: Date) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
const dayText = (date: Date) => date.toISOString().slice(0, 10);

/** The change from `previous` to `current` in whole percent; +100 from nothing to something, 0 from nothing to nothing. */
export function changePct(current: bigint, previous: bigint): number {
  if (previous === 0n) return current === 0n ? 0 : 100;
  const diff = current - previous;
  // rounded half away from zero, in integers (amounts may exceed a double's exact range)
  const scaled = (diff * 1000n) / previous;
  const rounded = scaled >= 0n ? (scaled + 5n) / 10n : (scaled - 5n) / 10n;
  return Number(rounded);
}

export interface RevenueMetrics {
  periodStart: string;
  periodEnd: string;
  totalRevenueAtomic: bigint;
  totalQueries: number;
  activeAgents: number;
  avgQueryCostAtomic: bigint;
  revenueChangePct: number;
  queriesChangePct: number;
  agentsChangePct: number;
}

/**
 * The last `days` UTC days up to today (today included) against the `days` before them. Active
 * agents: distinct agents with a query in the period. Average cost: revenue over queries (floor).
 */
export async function revenueMetrics(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
  daysArg?: number | null,
): Promise<RevenueMetrics> {
  const id = await ownedPublisher(commerce, request, organizationIdOrDefault, publisherId);
  const days = daysOf(daysArg);
  const now = commerce.now();
  const start = new Date(utcDay(now).getTime() - (days - 1) * DAY_MS);
  const previousStart = new Date(start.getTime() - days * DAY_MS);
  const [row] = (await commerce.dataSource.query(
    `select
       coalesce(sum(revenue_atomic) filter (where day >= $3), 0)::text as revenue,
       coalesce(sum(queries) filter (where day >= $3), 0)::int as queries,
       coalesce(sum(revenue_atomic) filter (where day < $3), 0)::text as previous_revenue,
       coalesce(sum(queries) filter (where day < $3), 0)::int as previous_queries,
       (select count(distinct agent_wallet)::int from publisher_usage_agent_daily a
         where a.publisher_id = $1 and a.asset = $2 and a.day >= $3 and a.day <= $5) as agents,
       (select count(distinct agent_wallet)::int from publisher_usage_agent_daily a
         where a.publisher_id = $1 and a.asset = $2 and a.day >= $4 and a.day < $3) as previous_agents
     from publisher_usage_daily where publisher_id = $1 and asset = $2 and day >= $4 and day <= $5`,
    [id, PRIMARY_ASSET, dayText(start), dayText(previousStart), dayText(now)],
  )) as {
    revenue: string;
    queries: number;
    previous_revenue: string;
    previous_queries: number;
    agents: number;
    previous_agents: number;
  }[];
  const revenue = BigInt(row!.revenue);
  return {
    periodStart: start.toISOString(),
    periodEnd: now.toISOString(),
    totalRevenueAtomic: revenue,
    totalQueries: row!.queries,
    activeAgents: row!.agents,
    avgQueryCostAtomic: row!.queries > 0 ? revenue / BigInt(row!.queries) : 0n,
    revenueChangePct: changePct(revenue, BigInt(row!.previous_revenue)),
    queriesChangePct: changePct(BigInt(row!.queries), BigInt(row!.previous_queries)),
    agentsChangePct: changePct(BigInt(row!.agents), BigInt(row!.previous_agents)),
  };
}

export interface RevenueDay {
  date: string;
  queryCount: number;
  revenueAtomic: bigint;
  uniqueAgents: number;
}

/** Every UTC day of the last `days` (today included), oldest first, days without calls as zeros. */
export async function revenueByDay(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
  daysArg?: number | null,
): Promise<RevenueDay[]> {
  const id = await ownedPublisher(commerce, request, organizationIdOrDefault, publisherId);
  const days = daysOf(daysArg);
  const today = utcDay(commerce.now());
  const start = new Date(today.getTime() - (days - 1) * DAY_MS);
  const rows = (await commerce.dataSource.query(
    `select d.day::date::text as date, coalesce(u.queries, 0)::int as queries, coalesce(u.revenue_atomic, 0)::text as revenue,
       (select count(*)::int from publisher_usage_agent_daily a where a.publisher_id = $1 and a.asset = $2 and a.day = d.day::date) as agents
     from generate_series($3::date, $4::date, interval '1 day') d(day)
     left join publisher_usage_daily u on u.publisher_id = $1 and u.asset = $2 and u.day = d.day::date
     order by d.day`,
    [id, PRIMARY_ASSET, dayText(start), dayText(today)],
  )) as { date: string; queries: number; revenue: string; agents: number }[];
  return rows.map((r) => ({
    date: r.date,
    queryCount: r.queries,
    revenueAtomic: BigInt(r.revenue),
    uniqueAgents: r.agents,
  }));
}

export interface TopAgent {
  rank: number;
  agentWallet: string;
  totalSpentAtomic: bigint;
  queryCount: number;
  lastActive: string | null;
  /** the agent's wallet balance now (funded + promotional); 0 for an x402 payer without a wallet */
  balanceAtomic: bigint;
}

/** The publisher's agents by what they spent on it (all time), highest first; `limit` 1-100 (default 10). */
export async function topAgents(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
  limitArg?: number | null,
): Promise<TopAgent[]> {
  const id = await ownedPublisher(commerce, request, organizationIdOrDefault, publisherId);
  const limit = limitArg ?? 10;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw publisherErrors.validationError('limit: a whole number from 1 to 100', {
      field: 'limit',
      reason: 'INVALID_FIELD',
    });
  const rows = (await commerce.dataSource.query(
    `select a.agent_wallet, a.spent_atomic::text as spent, a.queries, a.last_active,
       (select coalesce(sum(b.balance), 0)::text from ledger_balances b
         where a.organization_id is not null and b.account = any(array[
           replace($3, '{org}', a.organization_id), replace($4, '{org}', a.organization_id)])) as balance
     from publisher_usage_agents a where a.publisher_id = $1 and a.asset = $2
     order by a.spent_atomic desc, a.queries desc, a.agent_wallet limit $5`,
    [
      id,
      PRIMARY_ASSET,
      accounts.agentFunded('{org}', 'USDC'),
      accounts.agentPromotional('{org}', 'USDC'),
      limit,
    ],
  )) as { agent_wallet: string; spent: string; queries: number; last_active: Date | null; balance: string }[];
  return rows.map((r, index) => ({
    rank: index + 1,
    agentWallet: r.agent_wallet,
    totalSpentAtomic: BigInt(r.spent),
    queryCount: r.queries,
    lastActive: r.last_active ? new Date(r.last_active).toISOString() : null,
    balanceAtomic: BigInt(r.balance),
  }));
}
