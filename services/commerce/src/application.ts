import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';

/** What commerce's application layer works with; built once by `buildCommerce`, after the database opened. */
export interface Commerce extends ApplicationContext {
  logger: Logger;
  /** starts this service's workflows, on `taskQueue` */
  workflows: Client;
  taskQueue: string;
  /** the clock (tests may move it) */
  now: () => Date;
}

export function buildCommerce(platform: Platform): Commerce {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  return { dataSource, store, logger, workflows, taskQueue, now: () => new Date() };
}
