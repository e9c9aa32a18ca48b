import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';

/** What crm's application layer works with; built once by `buildCrm`, after the database opened. */
export interface Crm extends ApplicationContext {
  logger: Logger;
  /** starts this service's workflows, on `taskQueue` */
  workflows: Client;
  taskQueue: string;
  /** the clock (tests may move it) */
  now: () => Date;
}

export function buildCrm(platform: Platform): Crm {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  return { dataSource, store, logger, workflows, taskQueue, now: () => new Date() };
}
