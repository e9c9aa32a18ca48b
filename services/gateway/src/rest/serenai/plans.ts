import { z } from 'zod';
import { graphql } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import { organizationParams } from './shapes/organization.js';
import {
  OrganizationPlanFields,
  OrganizationQuotaFields,
  SerenaiPlanFields,
  organizationPlanSchema,
  organizationPlanToRest,
  planSchema,
  planToRest,
  quotaUsageSchema,
  quotaUsageToRest,
} from './shapes/plan.js';

// SerenAI "Plans" (commerce): the catalog (Free, Launch, Scale), an organization's plan and its
// quota usage. `organization_id` may be `default`; commerce acts only in the caller's organization
// (an API key's, else the user's default), so another organization is 404 like a missing one.

export const plansRoutes = [
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/plan',
    section: 'plans',
    summary: 'Get the current plan for an organization',
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql(
      `
        query SerenaiGetOrganizationPlan($org: ID!) {
          organizationPlan(organizationId: $org) {
            ...OrganizationPlanFields
          }
        }
      `,
      [OrganizationPlanFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Organization plan retrieved successfully',
      schema: dataResponseSchema(organizationPlanSchema),
      body: (data) => dataResponse(organizationPlanToRest(data.organizationPlan)),
    },
    errors: [404],
  }),
  route.operation({
    method: 'POST',
    path: '/organizations/{organization_id}/plan',
    section: 'plans',
    summary: "Upgrade or downgrade an organization's plan",
    description:
      'A dearer plan applies at once and charges the price difference for the rest of the month (proration) to `stripe_payment_method_id` ' +
      '(attached first when new) or the default payment method; without one, 400. A cheaper plan takes effect at the end of the month ' +
      '(`pending_plan_id`, `pending_change_at`); asking for the current plan again drops it. Needs billing.manage (403 without). ' +
      "Optional `Idempotency-Key` header (Stripe's semantics; forwarded to Stripe with the proration charge).",
    auth: 'required',
    rateLimit: 'general',
    request: {
      params: organizationParams,
      body: z.object({ plan_id: z.string(), stripe_payment_method_id: z.string().nullish() }),
    },
    operation: graphql(
      `
        mutation SerenaiChangeOrganizationPlan(
          $org: ID!
          $planId: ID!
          $stripePaymentMethodId: String
          $idempotencyKey: String
        ) {
          changeOrganizationPlan(
            organizationId: $org
            planId: $planId
            stripePaymentMethodId: $stripePaymentMethodId
            idempotencyKey: $idempotencyKey
          ) {
            ...OrganizationPlanFields
          }
        }
      `,
      [OrganizationPlanFields],
    ),
    variables: ({ params, body, headers }) => {
      const key = headers['idempotency-key'];
      return {
        org: params.organization_id,
        planId: body.plan_id,
        stripePaymentMethodId: body.stripe_payment_method_id ?? null,
        idempotencyKey: (Array.isArray(key) ? key[0] : key) || null,
      };
    },
    response: {
      status: 200,
      description: 'Plan changed successfully',
      schema: dataResponseSchema(organizationPlanSchema),
      body: (data) => dataResponse(organizationPlanToRest(data.changeOrganizationPlan)),
    },
    errors: [400, 403, 404, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/organizations/{organization_id}/quota',
    section: 'plans',
    summary: 'Get current quota usage for an organization',
    description:
      "This month's paid calls (the organization's charges) against its plan's included requests, and what they spent per asset.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: organizationParams },
    operation: graphql(
      `
        query SerenaiGetQuotaUsage($org: ID!) {
          organizationQuota(organizationId: $org) {
            ...OrganizationQuotaFields
          }
        }
      `,
      [OrganizationQuotaFields],
    ),
    variables: ({ params }) => ({ org: params.organization_id }),
    response: {
      status: 200,
      description: 'Quota usage retrieved successfully',
      schema: dataResponseSchema(quotaUsageSchema),
      body: (data) => dataResponse(quotaUsageToRest(data.organizationQuota)),
    },
    errors: [404],
  }),
  route.operation({
    method: 'GET',
    path: '/plans',
    section: 'plans',
    summary: 'List all available subscription plans',
    auth: 'none',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListPlans {
          serenaiPlans {
            ...SerenaiPlanFields
          }
        }
      `,
      [SerenaiPlanFields],
    ),
    response: {
      status: 200,
      description: 'Plans retrieved successfully',
      schema: dataResponseSchema(z.array(planSchema)),
      body: (data) => dataResponse(data.serenaiPlans.map(planToRest)),
    },
  }),
  route.operation({
    method: 'GET',
    path: '/plans/{plan_id}',
    section: 'plans',
    summary: 'Get details of a specific plan',
    auth: 'none',
    rateLimit: 'general',
    request: { params: z.object({ plan_id: z.string().min(1) }) },
    operation: graphql(
      `
        query SerenaiGetPlan($id: ID!) {
          serenaiPlan(id: $id) {
            ...SerenaiPlanFields
          }
        }
      `,
      [SerenaiPlanFields],
    ),
    variables: ({ params }) => ({ id: params.plan_id }),
    response: {
      status: 200,
      description: 'Plan retrieved successfully',
      schema: dataResponseSchema(planSchema),
      body: (data) => dataResponse(planToRest(data.serenaiPlan)),
    },
    errors: [404],
  }),
];
