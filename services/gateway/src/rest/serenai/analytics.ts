import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import { organizationParams } from './shapes/organization.js';
import { usdcDecimal } from './shapes/publisher-charge.js';

// SerenAI "Agent Analytics" (commerce's src/publishers/analytics.ts): a publisher's revenue with
// period-over-period change, revenue by day and top agents, read from the projection of the usage
// events (PublisherCallCompleted), not from the calls. The spec answers these bare (no `data`
// wrapper). Only the publisher's own organization reads them (`default` allowed); anything else is
// 404, the only refusal the spec lists besides 401. Amounts are USDC.

const params = organizationParams.extend({ publisher_id: z.string().min(1) });
const days = z.object({
  days: z.coerce
    .number()
    .int()
    .optional()
    .describe('Number of days to analyze (default: 30, 1-366), today (UTC) included'),
});

export const analyticsRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers/{publisher_id}/analytics/revenue',
    section: 'analytics',
    summary: 'Get revenue metrics with period-over-period comparison.',
    description:
      'The last `days` UTC days against the `days` before them. Queries are paid (captured) and free calls; failed calls (released holds) are not counted. ' +
      'A change from nothing to something is +100%.',
    auth: 'required',
    rateLimit: 'general',
    request: { params, query: days },
    operation: graphql(`
      query SerenaiRevenueMetrics($org: ID!, $publisher: ID!, $days: Int) {
        publisherRevenueMetrics(organizationId: $org, publisherId: $publisher, days: $days) {
          periodStart
          periodEnd
          totalRevenueAtomic
          totalQueries
          activeAgents
          avgQueryCostAtomic
          revenueChangePct
          queriesChangePct
          agentsChangePct
        }
      }
    `),
    variables: ({ params, query }) => ({
      org: params.organization_id,
      publisher: params.publisher_id,
      days: query.days ?? null,
    }),
    response: {
      status: 200,
      description: 'Revenue metrics',
      schema: z.object({
        active_agents: z.number().int(),
        agents_change_pct: z.number().int(),
        avg_query_cost_atomic: z.number().int(),
        period_end: z.string(),
        period_start: z.string(),
        queries_change_pct: z.number().int(),
        revenue_change_pct: z.number().int(),
        total_queries: z.number().int(),
        total_revenue: z.string(),
        total_revenue_atomic: z.number().int(),
      }),
      body: ({ publisherRevenueMetrics: m }) => ({
        active_agents: m.activeAgents,
        agents_change_pct: m.agentsChangePct,
        avg_query_cost_atomic: Number(m.avgQueryCostAtomic),
        period_end: m.periodEnd,
        period_start: m.periodStart,
        queries_change_pct: m.queriesChangePct,
        revenue_change_pct: m.revenueChangePct,
        total_queries: m.totalQueries,
        total_revenue: usdcDecimal(m.totalRevenueAtomic),
        total_revenue_atomic: Number(m.totalRevenueAtomic),
      }),
    },
    errors: [404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers/{publisher_id}/analytics/revenue-by-day',
    section: 'analytics',
    summary: 'Get daily revenue breakdown.',
    description:
      'Every UTC day of the last `days` (today included), oldest first; days without calls are zeros.',
    auth: 'required',
    rateLimit: 'general',
    request: { params, query: days },
    operation: graphql(`
      query SerenaiRevenueByDay($org: ID!, $publisher: ID!, $days: Int) {
        publisherRevenueByDay(organizationId: $org, publisherId: $publisher, days: $days) {
          date
          queryCount
          revenueAtomic
          uniqueAgents
        }
      }
    `),
    variables: ({ params, query }) => ({
      org: params.organization_id,
      publisher: params.publisher_id,
      days: query.days ?? null,
    }),
    response: {
      status: 200,
      description: 'Daily revenue breakdown',
      schema: z.array(
        z.object({
          date: z.string(),
          query_count: z.number().int(),
          revenue: z.string(),
          revenue_atomic: z.number().int(),
          unique_agents: z.number().int(),
        }),
      ),
      body: ({ publisherRevenueByDay }) =>
        publisherRevenueByDay.map((d) => ({
          date: d.date,
          query_count: d.queryCount,
          revenue: usdcDecimal(d.revenueAtomic),
          revenue_atomic: Number(d.revenueAtomic),
          unique_agents: d.uniqueAgents,
        })),
    },
    errors: [404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers/{publisher_id}/analytics/top-agents',
    section: 'analytics',
    summary: 'Get top agents by spending.',
    description:
      "The publisher's agents by what they spent on it (all time), highest first; `balance_atomic` is the agent wallet's balance now (0 for an x402 payer without a wallet).",
    auth: 'required',
    rateLimit: 'general',
    request: {
      params,
      query: z.object({
        limit: z.coerce
          .number()
          .int()
          .optional()
          .describe('Number of agents to return (default: 10, max: 100)'),
      }),
    },
    operation: graphql(`
      query SerenaiTopAgents($org: ID!, $publisher: ID!, $limit: Int) {
        publisherTopAgents(organizationId: $org, publisherId: $publisher, limit: $limit) {
          rank
          agentWallet
          totalSpentAtomic
          queryCount
          lastActive
          balanceAtomic
        }
      }
    `),
    variables: ({ params, query }) => ({
      org: params.organization_id,
      publisher: params.publisher_id,
      limit: query.limit ?? null,
    }),
    response: {
      status: 200,
      description: 'Top agents by spending',
      schema: z.array(
        z.object({
          agent_wallet: z.string(),
          balance_atomic: z.number().int(),
          last_active: z.string().nullable(),
          query_count: z.number().int(),
          rank: z.number().int(),
          total_spent: z.string(),
          total_spent_atomic: z.number().int(),
        }),
      ),
      body: ({ publisherTopAgents }) =>
        publisherTopAgents.map((a) => ({
          agent_wallet: a.agentWallet,
          balance_atomic: Number(a.balanceAtomic),
          last_active: a.lastActive,
          query_count: a.queryCount,
          rank: a.rank,
          total_spent: usdcDecimal(a.totalSpentAtomic),
          total_spent_atomic: Number(a.totalSpentAtomic),
        })),
    },
    errors: [400, 404],
  }),
];
