import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';
import { stripeOf, type StripeGateway } from './stripe/client.js';
import { walletSettingsOf, type WalletSettings } from './wallet/settings.js';

/** What commerce's application layer works with; built once by `buildCommerce`, after the database opened. */
export interface Commerce extends ApplicationContext {
  logger: Logger;
  /** starts this service's workflows, on `taskQueue` */
  workflows: Client;
  taskQueue: string;
  /** the clock (tests may move it) */
  now: () => Date;
  /** the Stripe API (stripe-mock unless STRIPE_API_BASE says otherwise) and the webhook's secret */
  stripe: StripeGateway;
  /** the wallet's promotions: bonus, daily-claim and referral amounts (WALLET_* settings) */
  wallet: WalletSettings;
}

export function buildCommerce(
  platform: Platform,
  env: Record<string, string | undefined> = process.env,
): Commerce {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  const stripe = stripeOf(env);
  logger.info({ stripe: stripe.description }, 'stripe');
  return { dataSource, store, logger, workflows, taskQueue, now: () => new Date(), stripe, wallet: walletSettingsOf(env) };
}
