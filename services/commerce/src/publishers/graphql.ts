import { resolver, type RequestContext, type RequestOrigin, type Resolvers } from '@seren/service-kit';
import type { Commerce } from '../application.js';
import {
  revenueByDay,
  revenueMetrics,
  topAgents,
  type RevenueDay,
  type RevenueMetrics,
  type TopAgent,
} from './analytics.js';
import {
  configFields,
  pricingFields,
  pricingForDisplay,
  secretFields,
  type ConfigField,
  type Pricing,
} from './fields.js';
import { findPublisherRecord, type PublisherRecord } from './queries.js';
import { camel, OWN_FIELDS } from './schema.js';
import {
  createPublisher,
  deletePublisher,
  getOrganizationPublisher,
  listOrganizationPublishers,
  publisherEarnings,
  setPublisherPricing,
  updatePublisher,
  type PublisherEarnings,
} from './service.js';
import { listStorePublishers, storePublisher, suggestPublishers, type PublisherSuggestion } from './store.js';

/**
 * Settings only the owning organization sees: how the upstream is reached and authenticated. The
 * store's readers (agents) see the listing, pricing and payment details; these are null for them.
 */
const OWNER_ONLY = new Set<ConfigField>([
  'api_url',
  'api_key_header',
  'api_key_query_param',
  'passthrough_header_rewrite',
  'upstream_headers',
  'request_content_type',
  'token_exchange_url',
  'token_exchange_method',
  'token_exchange_mode',
  'token_cache_ttl_seconds',
  'token_response_field',
  'oauth2_token_url',
  'oauth2_client_id',
  'oauth2_scopes',
  'project_id',
  'branch_id',
  'database_name',
  'a2a_endpoint_url',
  'mcp_endpoint',
  'upstream_cost_response_path',
]);

/** A publisher as GraphQL resolves it: the record and whether the caller owns it. */
export interface PublisherView extends PublisherRecord {
  owner: boolean;
}

export const publisherViewOf = (record: PublisherRecord, request: RequestOrigin): PublisherView => ({
  ...record,
  owner: request.caller.organizationId === record.organizationId,
});

/** camelCase name → the setting's REST name (a table, not a rule: `basePricePer1000Rows` has a digit boundary) */
const restNames = new Map(
  [
    ...Object.keys(configFields),
    ...Object.keys(secretFields),
    ...Object.keys(pricingFields),
    'slug',
    'name',
    'asset_id',
    'add_asset_ids',
    'remove_asset_ids',
  ].map((name) => [camel(name), name]),
);
const snake = (camelName: string) => restNames.get(camelName) ?? camelName;

/** The camelCase GraphQL input as the REST-named settings the service takes. */
function inputOf(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).map(([key, value]) => [snake(key), value]));
}

interface PricingView {
  publisherId: string;
  assetId: string;
  pricing: Pricing;
  createdAt: string;
  updatedAt: string;
}

const publisherFields = {
  status: (p: PublisherView) => (p.deletedAt ? 'deleted' : p.isActive ? 'active' : 'inactive'),
  pricing: (p: PublisherView): PricingView[] => p.pricing.map((x) => ({ publisherId: p.id, ...x })),
  ...Object.fromEntries(
    (Object.keys(configFields) as ConfigField[])
      .filter((field) => !OWN_FIELDS.has(field))
      .map((field) => [
        camel(field),
        (p: PublisherView) => {
          if (field === 'is_active') return p.isActive;
          const list = configFields[field].kind === 'texts' || configFields[field].kind === 'headers';
          if (!p.owner && OWNER_ONLY.has(field)) return list ? [] : null;
          return p.config[field] ?? (list ? [] : null);
        },
      ]),
  ),
  ...Object.fromEntries(
    Object.keys(secretFields).map((field) => [
      `has${camel(`_${field}`)}`,
      (p: PublisherView) => p.owner && p.secrets[field as keyof typeof p.secrets] !== undefined,
    ]),
  ),
};

const pricingFieldResolvers = {
  assetSymbol: (p: PricingView) => p.assetId,
  ...Object.fromEntries(
    Object.keys(pricingFields).map((field) => [
      camel(field),
      (p: PricingView) => pricingForDisplay(p.pricing)[field as keyof typeof pricingFields],
    ]),
  ),
};

type Org = { organizationId: string };
type OrgPublisher = Org & { publisherId: string };
const text = (amount: bigint) => amount.toString();

export function publishersResolvers(commerce: Commerce): Resolvers {
  const views = (records: PublisherRecord[], request: RequestOrigin) =>
    records.map((r) => publisherViewOf(r, request));
  return {
    Query: {
      organizationPublishers: resolver(commerce, async (c, request, args: Org) =>
        views(await listOrganizationPublishers(c, request, args.organizationId), request),
      ),
      organizationPublisher: resolver(commerce, async (c, request, args: OrgPublisher) =>
        publisherViewOf(
          await getOrganizationPublisher(c, request, args.organizationId, args.publisherId),
          request,
        ),
      ),
      publisherEarnings: resolver(commerce, (c, request, args: OrgPublisher) =>
        publisherEarnings(c, request, args.organizationId, args.publisherId),
      ),
      storePublishers: resolver(
        commerce,
        async (
          c,
          request,
          args: {
            isVerified?: boolean | null;
            category?: string | null;
            search?: string | null;
            limit?: number | null;
            offset?: number | null;
          },
        ) => {
          const page = await listStorePublishers(c, args);
          return { ...page, items: views(page.items, request) };
        },
      ),
      suggestPublishers: resolver(
        commerce,
        async (c, request, args: { query: string; type?: string | null; limit?: number | null }) => {
          const found = await suggestPublishers(c, args);
          return {
            ...found,
            publishers: found.publishers.map((s: PublisherSuggestion) => ({
              publisher: publisherViewOf(s.publisher, request),
              score: s.score,
              matchedTerms: s.matched,
            })),
            agents: [],
          };
        },
      ),
      storePublisher: resolver(commerce, async (c, request, args: { slug: string }) =>
        publisherViewOf(await storePublisher(c, args.slug), request),
      ),
      publisherRevenueMetrics: resolver(
        commerce,
        (c, request, args: OrgPublisher & { days?: number | null }) =>
          revenueMetrics(c, request, args.organizationId, args.publisherId, args.days),
      ),
      publisherRevenueByDay: resolver(commerce, (c, request, args: OrgPublisher & { days?: number | null }) =>
        revenueByDay(c, request, args.organizationId, args.publisherId, args.days),
      ),
      publisherTopAgents: resolver(commerce, (c, request, args: OrgPublisher & { limit?: number | null }) =>
        topAgents(c, request, args.organizationId, args.publisherId, args.limit),
      ),
    },
    Mutation: {
      createPublisher: resolver(
        commerce,
        async (c, request, args: Org & { input: Record<string, unknown> }) =>
          publisherViewOf(
            await createPublisher(c, request, args.organizationId, inputOf(args.input)),
            request,
          ),
      ),
      updatePublisher: resolver(
        commerce,
        async (c, request, args: OrgPublisher & { input: Record<string, unknown> }) =>
          publisherViewOf(
            await updatePublisher(c, request, args.organizationId, args.publisherId, inputOf(args.input)),
            request,
          ),
      ),
      deletePublisher: resolver(commerce, async (c, request, args: OrgPublisher) =>
        publisherViewOf(await deletePublisher(c, request, args.organizationId, args.publisherId), request),
      ),
      setPublisherPricing: resolver(
        commerce,
        async (c, request, args: OrgPublisher & { input: Record<string, unknown> }): Promise<PricingView> => {
          const { publisher, assetId } = await setPublisherPricing(
            c,
            request,
            args.organizationId,
            args.publisherId,
            inputOf(args.input),
          );
          return { publisherId: publisher.id, ...publisher.pricing.find((p) => p.assetId === assetId)! };
        },
      ),
    },
    Publisher: {
      __resolveReference: async (ref: { id: string }, context: RequestContext<unknown>) => {
        const record = await findPublisherRecord(commerce.dataSource.manager, ref.id);
        return record && { ...record, owner: context.caller?.organizationId === record.organizationId };
      },
      ...publisherFields,
    },
    PublisherPricing: pricingFieldResolvers,
    PublisherEarnings: {
      assetSymbol: (e: PublisherEarnings) => e.assetId,
      availableAtomic: (e: PublisherEarnings) => text(e.available),
      pendingAtomic: (e: PublisherEarnings) => text(e.pending),
      paidOutAtomic: (e: PublisherEarnings) => text(e.paidOut),
      totalEarnedAtomic: (e: PublisherEarnings) => text(e.totalEarned),
    },
    PublisherRevenueMetrics: {
      totalRevenueAtomic: (m: RevenueMetrics) => text(m.totalRevenueAtomic),
      avgQueryCostAtomic: (m: RevenueMetrics) => text(m.avgQueryCostAtomic),
    },
    PublisherRevenueDay: { revenueAtomic: (d: RevenueDay) => text(d.revenueAtomic) },
    PublisherTopAgent: {
      totalSpentAtomic: (a: TopAgent) => text(a.totalSpentAtomic),
      balanceAtomic: (a: TopAgent) => text(a.balanceAtomic),
    },
  };
}
