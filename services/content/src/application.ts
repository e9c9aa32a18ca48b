import type { ApplicationContext, Logger, Platform } from '@seren/service-kit';
import type { Client } from '@temporalio/client';
import { paymentProviderOf, type PaymentProvider } from './billing/paystack.js';
import { postWriterOf, type PostWriter } from './posts/writer.js';
import { objectStoreOf, type ObjectStore } from './sources/object-store.js';
import { documentParserOf, type DocumentParser } from './sources/parser-pool.js';

/** What content's application layer works with; built once by `buildContent`, after the database opened. */
export interface Content extends ApplicationContext {
  logger: Logger;
  /** starts this service's workflows, on `taskQueue` */
  workflows: Client;
  taskQueue: string;
  /** the clock (tests may move it) */
  now: () => Date;
  /** uploaded files and their extracted text: a folder, or S3 when S3_ENDPOINT is set */
  objects: ObjectStore;
  /** writes posts: the offline composer, or a language model (SERELO_MODEL_PROVIDER) */
  postWriter: PostWriter;
  /** extracts the text of uploaded files, on worker threads (PARSER_THREADS) */
  parser: DocumentParser;
  /** Paystack (PAYSTACK_SECRET_KEY, PAYSTACK_API_BASE), or null: paid plans are then not available */
  payments: PaymentProvider | null;
  /** where Paystack sends the customer after the checkout (SERELO_BILLING_CALLBACK_URL), if set */
  billingCallbackUrl: string | null;
}

export async function buildContent(
  platform: Platform,
  env: Record<string, string | undefined> = process.env,
): Promise<Content> {
  const { dataSource, store, logger, workflows, taskQueue } = platform;
  const objects = await objectStoreOf(env);
  const postWriter = postWriterOf(env);
  logger.info({ generator: postWriter.generator }, 'post generation');
  logger.info({ objectStore: objects.description }, 'object storage');
  if (objects.close) platform.onClose(() => objects.close?.());
  const payments = paymentProviderOf(env);
  logger.info(
    { payments: payments?.description ?? 'not configured (PAYSTACK_SECRET_KEY unset): paid plans are unavailable' },
    'billing',
  );
  const parser = documentParserOf(env);
  platform.onClose(() => parser.close());
  return {
    dataSource,
    store,
    logger,
    workflows,
    taskQueue,
    now: () => new Date(),
    objects,
    postWriter,
    parser,
    payments,
    billingCallbackUrl: env.SERELO_BILLING_CALLBACK_URL?.trim() || null,
  };
}
