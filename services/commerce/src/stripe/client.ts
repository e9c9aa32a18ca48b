// The Stripe API behind deposits, payment methods and plan charges, chosen once from configuration:
// STRIPE_API_BASE is api.stripe.com in production and stripe-mock (Stripe's own mock server, an
// infra part) in development and tests, which is also the embedded default. The code above the
// client is the same either way; stripe-mock answers canned objects of the real shapes (it echoes
// amounts and path ids, not metadata, and never moves money), so what it proves is that our
// requests are ones the real API accepts.
import { ConfigError, envSecret, loadConfig } from '@seren/service-kit';
import Stripe from 'stripe';
import { z } from 'zod';

export const STRIPE_MOCK_BASE = 'http://127.0.0.1:12111';
/** stripe-mock accepts any key that looks like a test-mode secret key */
const STRIPE_MOCK_KEY = 'sk_test_123';

const stripeConfig = z.object({
  NODE_ENV: z.string().optional(),
  STRIPE_API_BASE: z.url().default(STRIPE_MOCK_BASE),
  STRIPE_SECRET_KEY: z.string().min(1).optional(),
  /** the signing secret of the webhook endpoint (`whsec_...` from Stripe's dashboard) */
  STRIPE_WEBHOOK_SECRET: envSecret('stripe-webhook-secret'),
});

export interface StripeGateway {
  client: Stripe;
  webhookSecret: string;
  /** what the running service uses, for its startup log (never the keys) */
  description: { apiBase: string; mock: boolean };
}

export function stripeOf(env: Record<string, string | undefined> = process.env): StripeGateway {
  const config = loadConfig(stripeConfig, env);
  const url = new URL(config.STRIPE_API_BASE);
  const mock = url.hostname !== 'api.stripe.com';
  if (!config.STRIPE_SECRET_KEY && (!mock || config.NODE_ENV === 'production'))
    throw new ConfigError([
      { variable: 'STRIPE_SECRET_KEY', problem: 'must be set for the real Stripe API and in production' },
    ]);
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const client = new Stripe(config.STRIPE_SECRET_KEY ?? STRIPE_MOCK_KEY, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
    // the SDK retries network errors and 409/5xx with the same idempotency key, so a retry never
    // creates a second PaymentIntent
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'seren-commerce' },
  });
  return {
    client,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    description: { apiBase: url.origin, mock },
  };
}
