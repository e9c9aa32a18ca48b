import { loadConfig } from '@seren/service-kit';
import { z } from 'zod';

/** stripe-mock, Stripe's own mock server (an infra part): the default in development, tests and embedded */
export const STRIPE_MOCK_BASE = 'http://127.0.0.1:12111';

const paymentsConfig = z.object({
  /** api.stripe.com in production; stripe-mock otherwise. Each connection brings its own keys. */
  STRIPE_API_BASE: z.url().default(STRIPE_MOCK_BASE),
  /** how often each connection's reconciliation runs (Temporal schedule interval, seconds) */
  PAYMENTS_RECONCILE_EVERY_SECONDS: z.coerce.number().int().min(10).default(300),
  /** how far back the reconciliation looks at the provider (hours) */
  PAYMENTS_RECONCILE_WINDOW_HOURS: z.coerce.number().int().min(1).max(720).default(72),
});

export interface PaymentSettings {
  stripeApiBase: URL;
  reconcileEverySeconds: number;
  reconcileWindowHours: number;
}

export function paymentSettingsOf(env: Record<string, string | undefined>): PaymentSettings {
  const config = loadConfig(paymentsConfig, env);
  return {
    stripeApiBase: new URL(config.STRIPE_API_BASE),
    reconcileEverySeconds: config.PAYMENTS_RECONCILE_EVERY_SECONDS,
    reconcileWindowHours: config.PAYMENTS_RECONCILE_WINDOW_HOURS,
  };
}
