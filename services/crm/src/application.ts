import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';
import { crmSettingsOf, type CrmSettings } from './settings.js';
import { paymentSettingsOf, type PaymentSettings } from './payments/settings.js';

/** What crm's application layer works with; built once by `buildCrm`, after the database opened. */
export interface Crm extends ApplicationContext {
  logger: Logger;
  /** starts this service's workflows, on `taskQueue` */
  workflows: Client;
  taskQueue: string;
  /** the clock (tests may move it) */
  now: () => Date;
  /** the keyring crm's secrets are sealed with (CRM_KEK_*) and the outbound policy (OUTBOUND_ALLOW_PRIVATE) */
  settings: CrmSettings;
  /** payments: the Stripe API base (STRIPE_API_BASE) and the reconciliation schedule */
  payments: PaymentSettings;
}

export function buildCrm(
  platform: Platform,
  env: Record<string, string | undefined> = process.env,
): Crm {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  return {
    dataSource,
    store,
    logger,
    workflows,
    taskQueue,
    now: () => new Date(),
    settings: crmSettingsOf(env),
    payments: paymentSettingsOf(env),
  };
}
