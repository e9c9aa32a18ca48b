import { z } from 'zod';
import { graphql } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import { PublisherFields, publisherSchema, publisherToRest } from './shapes/publisher.js';

// The store side of the spec's "publishers" section (commerce's src/publishers/store.ts): the
// listing, suggestions for a task, and a publisher's page by slug. Public (a credential, when
// sent, makes its own organization's publishers show their owner-only settings). The paid rows of
// the section (root call, estimate, proxy) are in publisher-proxy.ts.

const booleanQuery = z.enum(['true', 'false']).optional();

export const publishersRoutes = [
  route.operation({
    method: 'GET',
    path: '/publishers',
    section: 'publishers',
    summary: 'List publishers with full details and pricing (store view)',
    description:
      "Active publishers, newest first. `search` matches the name or slug (substring) or the listing's words (full text); `category` its publisher_category (database, integration, compute) or one of its categories (any case).",
    auth: 'optional',
    rateLimit: 'general',
    request: {
      query: z.object({
        is_verified: booleanQuery.describe('Filter by verification status'),
        category: z.string().optional().describe('Filter by publisher category'),
        search: z.string().optional().describe('Search by name or slug'),
        limit: z.coerce
          .number()
          .int()
          .optional()
          .describe('Maximum number of results (default: 50, max: 100)'),
        offset: z.coerce.number().int().optional().describe('Offset for pagination'),
      }),
    },
    operation: graphql(
      `
        query SerenaiStorePublishers(
          $isVerified: Boolean
          $category: String
          $search: String
          $limit: Int
          $offset: Int
        ) {
          storePublishers(
            isVerified: $isVerified
            category: $category
            search: $search
            limit: $limit
            offset: $offset
          ) {
            items {
              ...PublisherFields
            }
            total
            limit
            offset
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ query }) => ({
      isVerified: query.is_verified === undefined ? null : query.is_verified === 'true',
      category: query.category ?? null,
      search: query.search ?? null,
      limit: query.limit ?? null,
      offset: query.offset ?? null,
    }),
    response: {
      status: 200,
      description: 'Publishers retrieved successfully',
      schema: dataResponseSchema(z.array(publisherSchema)),
      body: ({ storePublishers: page }) =>
        dataResponse(page.items.map(publisherToRest), {
          total: page.total,
          limit: page.limit,
          offset: page.offset,
        }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/publishers/suggest',
    section: 'publishers',
    summary: 'Suggest publishers based on a task or query',
    description:
      "Ranked by PostgreSQL full-text search of the task's words against each listing (name and slug first, then categories, capabilities and use cases, then descriptions). " +
      'Agent suggestions are planned but not yet implemented: `agents` is always empty.',
    auth: 'optional',
    rateLimit: 'general',
    request: {
      query: z.object({
        query: z.string().describe('The task or query to match against publisher capabilities'),
        type: z.string().optional().describe('"publisher", "agent" or "both" (default: "both")'),
        limit: z.coerce.number().int().optional().describe('Maximum number of results (default: 5, max: 20)'),
      }),
    },
    operation: graphql(
      `
        query SerenaiSuggestPublishers($query: String!, $type: String, $limit: Int) {
          suggestPublishers(query: $query, type: $type, limit: $limit) {
            query
            type
            publishers {
              score
              matchedTerms
              publisher {
                ...PublisherFields
              }
            }
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ query }) => ({ query: query.query, type: query.type ?? null, limit: query.limit ?? null }),
    response: {
      status: 200,
      description: 'Publisher suggestions retrieved successfully',
      schema: dataResponseSchema(
        z.object({
          query: z.string(),
          type: z.enum(['publisher', 'agent', 'both']),
          publishers: z.array(
            z.object({
              publisher: publisherSchema,
              relevance_score: z.number().describe("the listing's full-text rank against the task, 0-1"),
              matched_terms: z.array(z.string()).describe("the task's words (stemmed) the listing matched"),
            }),
          ),
          agents: z.array(z.unknown()).describe('planned, not yet implemented: always empty'),
          agent_suggestions: z.literal('not_implemented'),
        }),
      ),
      body: ({ suggestPublishers: s }) =>
        dataResponse({
          query: s.query,
          type: s.type as 'publisher' | 'agent' | 'both',
          publishers: s.publishers.map((p) => ({
            publisher: publisherToRest(p.publisher),
            relevance_score: p.score,
            matched_terms: p.matchedTerms,
          })),
          agents: [],
          agent_suggestions: 'not_implemented' as const,
        }),
    },
    errors: [400],
  }),
  route.operation({
    method: 'GET',
    path: '/publishers/{slug}',
    section: 'publishers',
    summary: 'Get publisher by slug (store view with full details)',
    auth: 'optional',
    rateLimit: 'general',
    request: { params: z.object({ slug: z.string().min(1) }) },
    operation: graphql(
      `
        query SerenaiStorePublisher($slug: String!) {
          storePublisher(slug: $slug) {
            ...PublisherFields
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ params }) => ({ slug: params.slug }),
    response: {
      status: 200,
      description: 'Publisher retrieved successfully',
      schema: dataResponseSchema(publisherSchema),
      body: (data) => dataResponse(publisherToRest(data.storePublisher)),
    },
    errors: [404],
  }),
];
