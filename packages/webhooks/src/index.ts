export {
  DEFAULT_TOLERANCE_SECONDS,
  ED25519_SIGNATURE_HEADER,
  ed25519Signature,
  ed25519Signer,
  replayGuard,
  SIGNATURE_HEADER,
  signatureHeader,
  verifySignature,
  type Ed25519Signer,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
} from './signing.js';
export {
  attemptDelivery,
  retryAfterMs,
  signedRequest,
  type AttemptOptions,
  type AttemptOutcome,
  type AttemptResult,
  type Receiver,
  type SignedRequest,
  type SigningKeys,
  type WebhookMethod,
} from './attempt.js';
export { DEFAULT_RETRY_SCHEDULE, nextAttemptAt, retryDelayMs, type RetrySchedule } from './schedule.js';
export { webhookPurgeIndexSql, webhookTables, webhookTablesSql, type WebhookTables } from './tables.js';
export {
  attemptsOf,
  enqueueDeliveries,
  findDelivery,
  listDeliveries,
  purgeFinishedDeliveries,
  redeliver,
  resetReceiverHealth,
  type AttemptView,
  type DeliveryState,
  type DeliveryToEnqueue,
  type DeliveryView,
  type Queryable,
} from './queue.js';
export { DeliveryWorker, type DeliveryWorkerOptions } from './worker.js';
