import { z } from 'zod';
import { graphql } from '../graphql.js';
import { literal } from '../mapping.js';
import { route } from './route.js';
import { SubscriptionFields, subscriptionSchema, subscriptionToRest } from './shapes/subscription.js';

// Serelo "Billing" (content). Plans, quotas per billing cycle, the Paystack checkout and the rules
// (an upgrade at once, a downgrade at the cycle's end, a cancel keeps the plan until its end date)
// are content's (services/content/src/billing); these rows only map. Paystack's webhook is a
// forward: its signature is over the exact bytes of the body.

export const billingRoutes = [
  route.operation({
    method: 'GET',
    path: '/api/v1/billing/subscription',
    section: 'billing',
    summary: 'Get subscription',
    description:
      "The caller's plan, billing cycle and quota; the free plan (calendar-month cycles) when they have no paid one.",
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SereloGetSubscription {
          billingSubscription {
            ...SereloSubscription
          }
        }
      `,
      [SubscriptionFields],
    ),
    response: {
      status: 200,
      description: 'The subscription',
      schema: subscriptionSchema,
      body: (data) => subscriptionToRest(data.billingSubscription),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/billing/subscriptions',
    section: 'billing',
    summary: 'Create subscription',
    description:
      'A new paid plan or an upgrade: a Paystack checkout (redirect the user to `authorization_url`); the plan applies when Paystack reports the charge (status `pending` until then), an upgrade at once with the higher limit. ' +
      'A lower plan: scheduled for the end of the billing cycle (`status: active`, no `authorization_url`); the plan held, asked for again while a downgrade is scheduled, takes that downgrade back (same answer). 409 ALREADY_SUBSCRIBED for the plan held otherwise, 409 CUSTOMER_NOT_READY in the moment after registering (retry); 403 FEATURE_NOT_AVAILABLE where payments are not configured.',
    auth: 'required',
    rateLimit: 'general',
    request: {
      body: z.object({
        plan: z.string().describe('starter, pro, business or enterprise'),
        payment_method: z
          .string()
          .nullish()
          .describe(
            'a Paystack channel: card (default), bank, ussd, qr, mobile_money, bank_transfer, eft, apple_pay',
          ),
      }),
    },
    operation: graphql(`
      mutation SereloCreateSubscription($plan: String!, $method: String) {
        createSubscription(plan: $plan, paymentMethod: $method) {
          subscriptionId
          plan
          status
          authorizationUrl
          reference
        }
      }
    `),
    variables: ({ body }) => ({ plan: body.plan, method: body.payment_method ?? null }),
    response: {
      status: 201,
      description: 'Checkout started (or downgrade scheduled)',
      schema: z.object({
        subscription_id: z.string(),
        plan: z.string(),
        status: z.string().describe('pending (pay at authorization_url) or active (a scheduled downgrade)'),
        authorization_url: z.string().nullable(),
        reference: z.string().nullable(),
      }),
      body: (data) => ({
        subscription_id: data.createSubscription.subscriptionId,
        plan: data.createSubscription.plan,
        status: data.createSubscription.status,
        authorization_url: data.createSubscription.authorizationUrl,
        reference: data.createSubscription.reference,
      }),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/billing/subscriptions/cancel',
    section: 'billing',
    summary: 'Cancel subscription',
    description:
      'Stops renewal; the plan stays until `end_date` (the end of the billing period, no refund), then the user is on the free plan. Cancelling again answers the same; 409 NO_ACTIVE_SUBSCRIPTION on free.',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(`
      mutation SereloCancelSubscription {
        cancelSubscription {
          subscriptionId
          status
          endDate
          message
        }
      }
    `),
    response: {
      status: 200,
      description: 'Cancelled at the end of the period',
      schema: z.object({
        subscription_id: z.string(),
        status: z.literal('cancelled'),
        end_date: z.string(),
        message: z.string(),
      }),
      body: (data) => ({
        subscription_id: data.cancelSubscription.subscriptionId,
        status: literal(data.cancelSubscription.status, ['cancelled']),
        end_date: data.cancelSubscription.endDate,
        message: data.cancelSubscription.message,
      }),
    },
    errors: [409],
  }),
  route.forward({
    method: 'POST',
    path: '/api/v1/billing/paystack/webhook',
    section: 'billing',
    summary: 'Handle Paystack webhook events',
    beyondSpec:
      "Create Subscription's step 4 (verify the payment): Paystack reports charges and subscription changes to this URL, and the plan applies from them",
    description:
      'Signed by Paystack (`x-paystack-signature`: HMAC-SHA512 of the raw body with the secret key; 401 INVALID_SIGNATURE otherwise). Each event applies once (a redelivery answers `duplicate: true`): ' +
      '`charge.success` (verified with Paystack) starts or upgrades the plan, `subscription.create` links the Paystack subscription, `subscription.disable` cancels at the period end, `invoice.payment_failed` makes it past_due (7 days of grace, then free); other events are acknowledged.',
    auth: 'none',
    rateLimit: 'general',
    forward: {
      service: 'content',
      path: '/internal/billing/paystack/webhook',
      headers: ['x-paystack-signature'],
    },
    response: {
      status: 200,
      description: 'Webhook processed',
      schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
    },
    errors: [400, 401, 403, 404],
    bodyLimit: 1024 * 1024,
  }),
];
