import { z } from 'zod';
import { graphql } from '../graphql.js';
import { dataResponse, dataResponseSchema, route } from './route.js';
import {
  BillingPaymentMethodFields,
  paymentMethodSchema,
  paymentMethodToRest,
} from './shapes/payment-method.js';
import { StripeDepositStartedFields, depositSchema, depositToRest } from './shapes/stripe-deposit.js';

// SerenAI Stripe payments (commerce): the Stripe deposit (the spec puts it in agent-wallet) and the
// organization's payment methods ("payments"). Stripe is stripe-mock unless STRIPE_API_BASE names
// the real API. The invoice payment rows come with invoicing; GET /payments/supported is x402.ts's.

export const paymentsRoutes = [
  route.operation({
    method: 'POST',
    path: '/wallet/deposit',
    section: 'wallet',
    summary: 'Deposit funds via Stripe',
    description:
      "Creates a Stripe PaymentIntent of `amount_cents` (at least 500, $5.00) for the caller's organization; confirm it client-side with `client_secret`. " +
      "The wallet is credited (USDC, 1 USD = 1 USDC) when Stripe's signed webhook reports the payment succeeded, not before. " +
      '403 "Recovery setup required" until wallet recovery is set up. Optional `Idempotency-Key` header (Stripe\'s semantics; forwarded to Stripe).',
    auth: 'required',
    rateLimit: 'general',
    request: {
      body: z.object({
        amount_cents: z.number().int().describe('Amount in USD cents (minimum 500 = $5.00)'),
        referral_code: z.string().nullish().describe('Optional affiliate referral code for tracking'),
      }),
    },
    operation: graphql(
      `
        mutation SerenaiCreateDeposit($amountCents: Int!, $referralCode: String, $idempotencyKey: String) {
          createStripeDeposit(
            amountCents: $amountCents
            referralCode: $referralCode
            idempotencyKey: $idempotencyKey
          ) {
            ...StripeDepositStartedFields
          }
        }
      `,
      [StripeDepositStartedFields],
    ),
    variables: ({ body, headers }) => {
      const key = headers['idempotency-key'];
      return {
        amountCents: body.amount_cents,
        referralCode: body.referral_code ?? null,
        idempotencyKey: (Array.isArray(key) ? key[0] : key) || null,
      };
    },
    response: {
      status: 200,
      description: 'Deposit initiated',
      schema: dataResponseSchema(depositSchema),
      body: (data) => dataResponse(depositToRest(data.createStripeDeposit)),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'GET',
    path: '/billing/payment-methods',
    section: 'payments',
    summary: 'List payment methods for the organization',
    description: "The caller's organization's payment methods, the default first.",
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SerenaiListPaymentMethods {
          billingPaymentMethods {
            ...BillingPaymentMethodFields
          }
        }
      `,
      [BillingPaymentMethodFields],
    ),
    response: {
      status: 200,
      description: 'Payment methods retrieved',
      schema: dataResponseSchema(z.array(paymentMethodSchema)),
      body: (data) => dataResponse(data.billingPaymentMethods.map(paymentMethodToRest)),
    },
  }),
  route.operation({
    method: 'POST',
    path: '/billing/payment-methods',
    section: 'payments',
    summary: 'Add a payment method for the organization',
    description:
      "Attaches a Stripe payment method (`pm_...`, created with Stripe.js) to the organization's Stripe customer. The first one, or one added with `set_as_default`, is the default. " +
      'Adding one already attached answers it. Needs the billing.manage permission (403 without).',
    auth: 'required',
    rateLimit: 'general',
    request: {
      body: z.object({ set_as_default: z.boolean(), stripe_payment_method_id: z.string() }),
    },
    operation: graphql(
      `
        mutation SerenaiAddPaymentMethod($stripePaymentMethodId: String!, $setAsDefault: Boolean!) {
          addBillingPaymentMethod(
            stripePaymentMethodId: $stripePaymentMethodId
            setAsDefault: $setAsDefault
          ) {
            ...BillingPaymentMethodFields
          }
        }
      `,
      [BillingPaymentMethodFields],
    ),
    variables: ({ body }) => ({
      stripePaymentMethodId: body.stripe_payment_method_id,
      setAsDefault: body.set_as_default,
    }),
    response: {
      status: 200,
      description: 'Payment method added',
      schema: dataResponseSchema(paymentMethodSchema),
      body: (data) => dataResponse(paymentMethodToRest(data.addBillingPaymentMethod)),
    },
    errors: [400, 403, 409],
  }),
  route.operation({
    method: 'DELETE',
    path: '/billing/payment-methods/{id}',
    section: 'payments',
    summary: 'Remove a payment method from the organization',
    description:
      "Detaches it from the organization's Stripe customer (by its id or its Stripe id); the newest remaining one becomes the default. Needs billing.manage.",
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ id: z.string().min(1) }) },
    operation: graphql(`
      mutation SerenaiDeletePaymentMethod($id: ID!) {
        removeBillingPaymentMethod(id: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.id }),
    response: { status: 204, description: 'Payment method removed' },
    errors: [403, 404],
  }),
];
