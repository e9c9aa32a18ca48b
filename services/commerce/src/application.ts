import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';
import { agentTaskRuntimeOf, type AgentTaskRuntime } from './agent-tasks/settings.js';
import { proxyRuntimeOf, type ProxyRuntime } from './proxy/settings.js';
import { publisherSettingsOf, type PublisherSettings } from './publishers/settings.js';
import { stripeOf, type StripeGateway } from './stripe/client.js';
import { walletSettingsOf, type WalletSettings } from './wallet/settings.js';
import { chainOf } from './x402/chain.js';
import type { X402 } from './x402/deposit.js';
import { buildFacilitator } from './x402/facilitator.js';

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
  /** on-chain deposits: the chain (anvil unless RPC_URL says otherwise) and the in-process x402 facilitator */
  x402: X402;
  /** the wallet's promotions: bonus, daily-claim and referral amounts (WALLET_* settings) */
  wallet: WalletSettings;
  /** publishers: the keyring their upstream secrets are sealed with (COMMERCE_KEK_*) */
  publishers: PublisherSettings;
  /** the publisher proxy: upstream timeout, the outbound policy (OUTBOUND_ALLOW_PRIVATE), OAuth tokens and database pools */
  proxy: ProxyRuntime;
  /** agent tasks: the A2A client (through the outbound guard), the task streams' hub, AGENT_TASK_* timings */
  agentTasks: AgentTaskRuntime;
}

export function buildCommerce(
  platform: Platform,
  env: Record<string, string | undefined> = process.env,
): Commerce {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  const stripe = stripeOf(env);
  logger.info({ stripe: stripe.description }, 'stripe');
  const chain = chainOf(env);
  const x402: X402 = { chain, facilitator: buildFacilitator(chain, dataSource) };
  logger.info({ chain: chain.description }, 'x402 chain');
  return {
    dataSource,
    store,
    logger,
    workflows,
    taskQueue,
    now: () => new Date(),
    stripe,
    x402,
    wallet: walletSettingsOf(env),
    publishers: publisherSettingsOf(env),
    proxy: proxyRuntimeOf(env),
    agentTasks: agentTaskRuntimeOf(env, dataSource, logger),
  };
}
