import { z } from 'zod';
import { route } from './route.js';

// SerenAI "webhooks" (commerce): Stripe's events. A forward, not a GraphQL operation: the signature
// is over the exact bytes of the body, so the body travels untouched with its `Stripe-Signature`
// header. Commerce verifies it (`stripe.webhooks.constructEvent` with STRIPE_WEBHOOK_SECRET, 400 on
// a bad or stale signature) and applies each event id once: payment_intent.succeeded credits the
// deposit's wallet. Stripe authenticates by the signature, so the route takes no credential.

export const stripeWebhookRoutes = [
  route.forward({
    method: 'POST',
    path: '/webhooks/stripe',
    section: 'stripe-webhooks',
    summary: 'Handle Stripe webhook events',
    description:
      'Signed by Stripe (`Stripe-Signature`, the endpoint secret STRIPE_WEBHOOK_SECRET). `payment_intent.succeeded` credits the deposit once per event id ' +
      '(a redelivery answers `duplicate: true`); `payment_intent.payment_failed` and `payment_intent.canceled` close it; other events are acknowledged.',
    auth: 'none',
    rateLimit: 'general',
    forward: { service: 'commerce', path: '/internal/webhooks/stripe', headers: ['stripe-signature'] },
    response: {
      status: 200,
      description: 'Webhook processed',
      schema: z.object({ received: z.literal(true), duplicate: z.boolean() }),
    },
    errors: [400],
    bodyLimit: 1024 * 1024,
  }),
];
