import { z } from 'zod';
import { graphql, type VariablesOf } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import { organizationParams } from './shapes/organization.js';
import {
  createPublisherBody,
  PublisherFields,
  PublisherPricingFields,
  publisherInputOf,
  publisherSchema,
  publisherToRest,
  pricingConfigSchema,
  pricingConfigToRest,
  updatePricingBody,
  updatePublisherBody,
} from './shapes/publisher.js';
import {
  PublisherEarningsFields,
  publisherEarningsSchema,
  publisherEarningsToRest,
} from './shapes/publisher-earnings.js';

// SerenAI "Organizations" → publisher management (commerce): an organization's publishers —
// create, list, get, update, soft delete, per-asset pricing, earnings. `organization_id` may be
// `default` (the caller's); commerce acts only in the caller's organization (an API key's, else
// the user's default), so another one is 403 "Not authorized". Writes need `publisher.manage`.
// The payout rows of this section come with the payout workflow (not served yet).

const orgPublisherParams = organizationParams.extend({ publisher_id: z.string().min(1) });

const CreatePublisher = graphql(
  `
    mutation SerenaiCreatePublisher($org: ID!, $input: PublisherInput!) {
      createPublisher(organizationId: $org, input: $input) {
        ...PublisherFields
      }
    }
  `,
  [PublisherFields],
);
type PublisherInput = VariablesOf<typeof CreatePublisher>['input'];

const UpdatePricing = graphql(
  `
    mutation SerenaiUpdatePublisherPricing($org: ID!, $publisher: ID!, $input: PublisherPricingInput!) {
      setPublisherPricing(organizationId: $org, publisherId: $publisher, input: $input) {
        ...PublisherPricingFields
      }
    }
  `,
  [PublisherPricingFields],
);
type PricingInput = VariablesOf<typeof UpdatePricing>['input'];

export const publisherManagementRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers',
    section: 'publisher-management',
    summary: 'List publishers owned by an organization',
    description: 'Newest first; soft-deleted publishers are not listed.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql(
      `
        query SerenaiListOrgPublishers($org: ID!) {
          organizationPublishers(organizationId: $org) {
            ...PublisherFields
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Publishers retrieved successfully',
      schema: dataResponseSchema(z.array(publisherSchema)),
      body: (data) => dataResponse(data.organizationPublishers.map(publisherToRest)),
    },
    errors: [403],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/publishers',
    section: 'publisher-management',
    summary: 'Create a new publisher',
    description:
      'integration type api (`api_url`), database (`connection_string`), agent (`compute_type=agent`, `a2a_endpoint_url`) or mcp (`mcp_endpoint`). ' +
      'Upstream URLs must resolve to public addresses. Secrets (`upstream_api_key`, `api_headers`, `connection_string`, `oauth2_client_secret`, ' +
      '`database_config`) are sealed and never answered (`has_*`). Prices given apply to USDC. Needs publisher.manage; a taken slug is 409.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams, body: createPublisherBody },
    operation: CreatePublisher,
    variables: ({ params, body }) => ({
      org: params.organization_id,
      input: publisherInputOf<PublisherInput>(body),
    }),
    response: {
      status: 201,
      description: 'Publisher created successfully',
      schema: dataResponseSchema(publisherSchema),
      body: (data) => dataResponse(publisherToRest(data.createPublisher)),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers/{publisher_id}',
    section: 'publisher-management',
    summary: 'Get publisher details',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgPublisherParams },
    operation: graphql(
      `
        query SerenaiGetOrgPublisher($org: ID!, $publisher: ID!) {
          organizationPublisher(organizationId: $org, publisherId: $publisher) {
            ...PublisherFields
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, publisher: params.publisher_id }),
    response: {
      status: 200,
      description: 'Publisher retrieved successfully',
      schema: dataResponseSchema(publisherSchema),
      body: (data) => dataResponse(publisherToRest(data.organizationPublisher)),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/organizations/{organization_id}/publishers/{publisher_id}',
    section: 'publisher-management',
    summary: 'Update a publisher',
    description:
      'Changes only the fields sent (null clears one); `add_asset_ids` / `remove_asset_ids` change the accepted assets; secrets sent are sealed anew.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgPublisherParams, body: updatePublisherBody },
    operation: graphql(
      `
        mutation SerenaiUpdatePublisher($org: ID!, $publisher: ID!, $input: PublisherInput!) {
          updatePublisher(organizationId: $org, publisherId: $publisher, input: $input) {
            ...PublisherFields
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ params, body }) => ({
      org: params.organization_id,
      publisher: params.publisher_id,
      input: publisherInputOf<PublisherInput>(body),
    }),
    response: {
      status: 200,
      description: 'Publisher updated successfully',
      schema: dataResponseSchema(publisherSchema),
      body: (data) => dataResponse(publisherToRest(data.updatePublisher)),
    },
    errors: [400, 403, 404],
  }),
  route.operation({
    method: 'DELETE',
    path: '/organizations/{organization_id}/publishers/{publisher_id}',
    section: 'publisher-management',
    summary: 'Soft delete a publisher',
    description:
      'Gone from the store, the proxy and the list; its history, earnings and slug are kept. Answers the deleted publisher (status deleted).',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgPublisherParams },
    operation: graphql(
      `
        mutation SerenaiDeletePublisher($org: ID!, $publisher: ID!) {
          deletePublisher(organizationId: $org, publisherId: $publisher) {
            ...PublisherFields
          }
        }
      `,
      [PublisherFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, publisher: params.publisher_id }),
    response: {
      status: 200,
      description: 'Publisher deleted successfully',
      schema: dataResponseSchema(publisherSchema),
      body: (data) => dataResponse(publisherToRest(data.deletePublisher)),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/publishers/{publisher_id}/earnings',
    section: 'publisher-management',
    summary: 'List earnings for a publisher (per asset)',
    description:
      "From the ledger: `available` is the earnings account's balance, `pending` the open holds of calls still running, `paid_out` what payouts took.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgPublisherParams },
    operation: graphql(
      `
        query SerenaiPublisherEarnings($org: ID!, $publisher: ID!) {
          publisherEarnings(organizationId: $org, publisherId: $publisher) {
            ...PublisherEarningsFields
          }
        }
      `,
      [PublisherEarningsFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id, publisher: params.publisher_id }),
    response: {
      status: 200,
      description: 'Earnings retrieved successfully',
      schema: dataResponseSchema(z.array(publisherEarningsSchema)),
      body: (data) => dataResponse(data.publisherEarnings.map(publisherEarningsToRest)),
    },
    errors: [403, 404],
  }),
  route.operation({
    method: 'PUT',
    path: '/organizations/{organization_id}/publishers/{publisher_id}/pricing',
    section: 'publisher-management',
    summary: 'Update publisher pricing config for a specific asset',
    description:
      'Prices are decimal strings of the asset (USDC, up to 6 decimals); fields not sent stay, null clears one. The asset must be one the publisher accepts.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: orgPublisherParams, body: updatePricingBody },
    operation: UpdatePricing,
    variables: ({ params, body }) => ({
      org: params.organization_id,
      publisher: params.publisher_id,
      input: publisherInputOf<PricingInput>(body),
    }),
    response: {
      status: 200,
      description: 'Pricing updated successfully',
      schema: dataResponseSchema(pricingConfigSchema),
      body: (data) => dataResponse(pricingConfigToRest(data.setPublisherPricing)),
    },
    errors: [400, 403, 404],
  }),
];
