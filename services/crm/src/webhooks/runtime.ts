import { envSecret, loadConfig } from '@seren/service-kit';
import { DEFAULT_RETRY_SCHEDULE, ed25519Signer, type RetrySchedule, type SigningKeys } from '@seren/webhooks';
import { z } from 'zod';
import type { Crm } from '../application.js';

const webhookConfig = z.object({
  /** the Ed25519 private key (PKCS#8 PEM) X-GHL-Signature is made with; else derived from the seed */
  CRM_WEBHOOK_SIGNING_KEY: z.string().default(''),
  CRM_WEBHOOK_SIGNING_SEED: envSecret('crm-webhook-ed25519-signing-seed'),
  CRM_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  CRM_WEBHOOK_CONCURRENCY: z.coerce.number().int().positive().default(32),
  CRM_WEBHOOK_PER_RECEIVER: z.coerce.number().int().positive().default(4),
  /** retry schedule (tests shorten it): first wait, longest wait, how long a delivery is tried */
  CRM_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().positive().default(DEFAULT_RETRY_SCHEDULE.baseMs),
  CRM_WEBHOOK_RETRY_CAP_MS: z.coerce.number().int().positive().default(DEFAULT_RETRY_SCHEDULE.capMs),
  CRM_WEBHOOK_RETRY_FOR_MS: z.coerce.number().int().positive().default(DEFAULT_RETRY_SCHEDULE.maxAgeMs),
  CRM_WEBHOOK_DISABLE_AFTER: z.coerce
    .number()
    .int()
    .positive()
    .default(DEFAULT_RETRY_SCHEDULE.disableAfterConsecutiveFailures),
  CRM_WEBHOOK_POLL_MS: z.coerce.number().int().positive().default(1_000),
  /** how long the previous signing secret keeps signing after a rotation (HighLevel-like 24 h) */
  CRM_WEBHOOK_SECRET_OVERLAP_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(24 * 60 * 60_000),
  /** finished deliveries (delivered, failed, rejected) and their attempts are kept this long, then purged */
  CRM_WEBHOOK_DELIVERY_RETENTION_DAYS: z.coerce.number().positive().default(30),
});

export interface WebhookRuntime {
  keys: SigningKeys;
  /** the published public key (PEM) receivers verify X-GHL-Signature with */
  publicKeyPem: string;
  schedule: RetrySchedule;
  timeoutMs: number;
  concurrency: number;
  perReceiver: number;
  pollIntervalMs: number;
  secretOverlapMs: number;
  /** how long a finished delivery stays in the log (ms) */
  deliveryRetentionMs: number;
}

const runtimes = new WeakMap<Crm, WebhookRuntime>();

export function webhookRuntimeFromEnv(env: Record<string, string | undefined>): WebhookRuntime {
  const config = loadConfig(webhookConfig, env);
  const signer = ed25519Signer(
    config.CRM_WEBHOOK_SIGNING_KEY
      ? { privateKeyPem: config.CRM_WEBHOOK_SIGNING_KEY }
      : { secret: config.CRM_WEBHOOK_SIGNING_SEED, info: 'crm-webhooks' },
  );
  return {
    keys: { ed25519: signer },
    publicKeyPem: signer.publicKeyPem,
    schedule: {
      baseMs: config.CRM_WEBHOOK_RETRY_BASE_MS,
      capMs: config.CRM_WEBHOOK_RETRY_CAP_MS,
      maxAgeMs: config.CRM_WEBHOOK_RETRY_FOR_MS,
      disableAfterConsecutiveFailures: config.CRM_WEBHOOK_DISABLE_AFTER,
    },
    timeoutMs: config.CRM_WEBHOOK_TIMEOUT_MS,
    concurrency: config.CRM_WEBHOOK_CONCURRENCY,
    perReceiver: config.CRM_WEBHOOK_PER_RECEIVER,
    pollIntervalMs: config.CRM_WEBHOOK_POLL_MS,
    secretOverlapMs: config.CRM_WEBHOOK_SECRET_OVERLAP_MS,
    deliveryRetentionMs: config.CRM_WEBHOOK_DELIVERY_RETENTION_DAYS * 24 * 60 * 60_000,
  };
}

/** The webhook settings of a crm context (set when the service starts; from process.env otherwise). */
export function webhookRuntimeOf(
  crm: Crm,
  env: Record<string, string | undefined> = process.env,
): WebhookRuntime {
  let runtime = runtimes.get(crm);
  if (!runtime) {
    runtime = webhookRuntimeFromEnv(env);
    runtimes.set(crm, runtime);
  }
  return runtime;
}
