import { createHmac, timingSafeEqual } from 'node:crypto';
import { anonymous, eventMetadataOf, handle, transaction, type RequestOrigin } from '@seren/service-kit';
import { domainErrorsOf } from '@seren/service-kit/errors';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import type { PaymentMode } from './connection.js';
import { paymentDecider, type OutcomeSource, type PaymentCommand } from './decide.js';
import { paymentStream } from './payment.js';
import {
  customFindings,
  providerClientOf,
  stripeClientOf,
  stripeFindings,
  type Finding,
} from './providers.js';
import {
  connectionById,
  paymentOfConnection,
  paymentOfProvider,
  type PaymentConnectionView,
} from './queries.js';
import { openProviderKeys, type ProviderKeys } from './secrets.js';

// Provider outcomes, from webhooks (Stripe's, signed over the raw body; the custom provider's, with
// HMAC) and from the reconciliation, applied by one function: each provider event id once per
// connection (stored in the same transaction as the events it appended), and each outcome once per
// intent (the decision ignores a second success), so a webhook that comes after the reconciliation
// repaired its intent appends nothing.

type WebhookReason = 'INVALID_SIGNATURE' | 'INVALID_PAYLOAD';
const errors = domainErrorsOf<WebhookReason>();

/** Stripe's default tolerance for a signature's timestamp; the custom provider's too */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

const commandOf = (finding: Finding, source: OutcomeSource, now: string): PaymentCommand => {
  switch (finding.kind) {
    case 'succeeded':
      return {
        type: 'RecordPaymentSucceeded',
        amountCaptured: finding.amountCaptured,
        providerEventId: finding.eventId,
        source,
        now,
      };
    case 'failed':
      return {
        type: 'RecordPaymentFailed',
        failureMessage: finding.message,
        providerEventId: finding.eventId,
        source,
        now,
      };
    case 'refunded':
      return {
        type: 'RecordRefund',
        refundId: finding.refundId,
        amount: finding.amount,
        providerRefundId: finding.providerRefundId,
        source,
        now,
      };
    case 'refund_failed':
      return { type: 'RecordRefundFailed', refundId: finding.refundId, reason: finding.message, now };
    default: {
      const unknown: never = finding;
      return unknown;
    }
  }
};

async function paymentOf(crm: Crm, connectionId: string, finding: Finding) {
  if (finding.paymentId) {
    const payment = await paymentOfConnection(crm, connectionId, finding.paymentId);
    if (payment) return payment;
  }
  return finding.providerPaymentId
    ? paymentOfProvider(crm, connectionId, finding.providerPaymentId)
    : undefined;
}

/** Stores the event id; false when it was applied before. */
async function firstTime(
  manager: EntityManager,
  connectionId: string,
  eventId: string,
  type: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    `insert into payment_provider_events (connection_id, event_id, type) values ($1, $2, $3) on conflict do nothing returning 1`,
    [connectionId, eventId, type],
  );
  return rows.length > 0;
}

/**
 * Applies one finding to its intent (if it is one of the connection's): true when it appended
 * events, false when the event id was seen before, the payment is not ours, or nothing changed.
 */
export async function applyFinding(
  crm: Crm,
  connectionId: string,
  finding: Finding,
  source: OutcomeSource,
  request: RequestOrigin = { caller: anonymous },
): Promise<boolean> {
  const payment = await paymentOf(crm, connectionId, finding);
  return transaction(crm, async (manager) => {
    if (!(await firstTime(manager, connectionId, finding.eventId, finding.kind))) return false;
    if (!payment) return false;
    const result = await handle(
      crm,
      manager,
      paymentStream(payment.id),
      paymentDecider,
      commandOf(finding, source, crm.now().toISOString()),
      eventMetadataOf(request, { organizationId: payment.locationId }),
    );
    return result.events.length > 0;
  });
}

export interface WebhookOutcome {
  received: true;
  /** the event id was processed before: nothing happened this time */
  duplicate: boolean;
}

async function modeKeys(
  crm: Crm,
  connection: PaymentConnectionView,
  mode: PaymentMode,
): Promise<ProviderKeys | undefined> {
  const keys = connection.keys[mode];
  return keys ? openProviderKeys(crm, connection.locationId, keys.credentialId) : undefined;
}

async function connectionFor(crm: Crm, connectionId: string, provider: 'stripe' | 'custom') {
  const connection = await connectionById(crm, connectionId);
  if (!connection || connection.provider !== provider) throw errors.notFound('payment connection');
  return connection;
}

async function applyAll(
  crm: Crm,
  connectionId: string,
  findings: Finding[],
  eventId: string,
  type: string,
  origin: Omit<RequestOrigin, 'caller'>,
) {
  const request = { ...origin, caller: anonymous };
  if (findings.length === 0) {
    // an event of no consequence: acknowledged, remembered so its redelivery says duplicate
    const first = await transaction(crm, (manager) => firstTime(manager, connectionId, eventId, type));
    return { received: true as const, duplicate: !first };
  }
  let fresh = false;
  for (const finding of findings) {
    const seen: unknown[] = await crm.dataSource.query(
      `select 1 from payment_provider_events where connection_id = $1 and event_id = $2`,
      [connectionId, finding.eventId],
    );
    if (seen.length > 0) continue;
    fresh = true;
    await applyFinding(crm, connectionId, finding, 'webhook', request);
  }
  return { received: true as const, duplicate: !fresh };
}

/**
 * A Stripe webhook for one connection: the mode's endpoint secret checks the signature over the raw
 * body (`stripe.webhooks.constructEvent`; 400 when it does not match or is older than 5 minutes).
 */
export async function handleStripeWebhook(
  crm: Crm,
  connectionId: string,
  rawBody: Buffer,
  signature: string | undefined,
  origin: Omit<RequestOrigin, 'caller'> = {},
): Promise<WebhookOutcome> {
  const connection = await connectionFor(crm, connectionId, 'stripe');
  let livemode = false;
  try {
    livemode = (JSON.parse(rawBody.toString('utf8')) as { livemode?: unknown }).livemode === true;
  } catch {
    throw errors.validationError('Invalid webhook payload', { reason: 'INVALID_PAYLOAD' });
  }
  const keys = await modeKeys(crm, connection, livemode ? 'live' : 'test');
  if (!keys?.webhookSecret || !keys.secretKey || !signature)
    throw errors.validationError('Invalid webhook signature', { reason: 'INVALID_SIGNATURE' });
  let event: Stripe.Event;
  try {
    event = stripeClientOf(crm, keys.secretKey).webhooks.constructEvent(
      rawBody,
      signature,
      keys.webhookSecret,
      SIGNATURE_TOLERANCE_SECONDS,
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError)
      throw errors.validationError('Invalid webhook signature', { reason: 'INVALID_SIGNATURE' });
    throw errors.validationError('Invalid webhook payload', { reason: 'INVALID_PAYLOAD' });
  }
  return applyAll(crm, connectionId, stripeFindings(event), event.id, event.type, origin);
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, as Stripe signs (the header the custom provider sends). */
export function customSignatureOf(secret: string, rawBody: Buffer | string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

function verifies(secret: string, rawBody: Buffer, header: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(
    header.split(',').map((part) => part.trim().split('=', 2) as [string, string]),
  );
  const timestamp = Number(parts.t);
  if (
    !Number.isInteger(timestamp) ||
    Math.abs(nowSeconds - timestamp) > SIGNATURE_TOLERANCE_SECONDS ||
    !parts.v1
  )
    return false;
  const expected = Buffer.from(customSignatureOf(secret, rawBody, timestamp).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * A custom provider's webhook (HighLevel's event names: `payment.captured`, `payment.failed`,
 * `payment.refunded`, `refund.failed`), signed with the connection's webhook secret of either mode
 * (`X-Serebro-Signature`, see customSignatureOf); idempotent by the body's event `id`.
 */
export async function handleCustomWebhook(
  crm: Crm,
  connectionId: string,
  rawBody: Buffer,
  signature: string | undefined,
  origin: Omit<RequestOrigin, 'caller'> = {},
): Promise<WebhookOutcome> {
  const connection = await connectionFor(crm, connectionId, 'custom');
  const secrets = (
    await Promise.all((['test', 'live'] as const).map((mode) => modeKeys(crm, connection, mode)))
  )
    .map((keys) => keys?.webhookSecret)
    .filter((secret): secret is string => !!secret);
  const now = Math.floor(crm.now().getTime() / 1000);
  if (!signature || !secrets.some((secret) => verifies(secret, rawBody, signature, now)))
    throw errors.validationError('Invalid webhook signature', { reason: 'INVALID_SIGNATURE' });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(rawBody.toString('utf8')) as Record<string, unknown>;
  } catch {
    throw errors.validationError('Invalid webhook payload', { reason: 'INVALID_PAYLOAD' });
  }
  if (!body || typeof body !== 'object' || typeof body.id !== 'string' || body.id === '')
    throw errors.validationError('Invalid webhook payload: an event id (`id`) is required', {
      reason: 'INVALID_PAYLOAD',
    });
  return applyAll(crm, connectionId, customFindings(body), body.id, String(body.event), origin);
}

export interface ReconcileOutcome {
  /** what the provider reported in the window */
  findings: number;
  /** intents the reconciliation moved (their webhook never came) */
  repaired: number;
}

/**
 * The reconciliation of one connection (its Temporal schedule runs it): reads what the provider
 * reports for the last PAYMENTS_RECONCILE_WINDOW_HOURS in each mode with keys, and applies what a
 * webhook missed. A disconnected connection has nothing to do.
 */
export async function reconcileConnection(crm: Crm, connectionId: string): Promise<ReconcileOutcome> {
  const connection = await connectionById(crm, connectionId);
  if (!connection) return { findings: 0, repaired: 0 };
  const since = new Date(crm.now().getTime() - crm.payments.reconcileWindowHours * 3_600_000);
  let findings = 0;
  let repaired = 0;
  for (const mode of ['test', 'live'] as const) {
    const keys = await modeKeys(crm, connection, mode);
    if (!keys) continue;
    const found = await providerClientOf(crm, connection, keys).recent(since);
    findings += found.length;
    for (const finding of found)
      if (await applyFinding(crm, connectionId, finding, 'reconciliation')) repaired += 1;
  }
  if (repaired > 0)
    crm.logger.info(
      { connectionId, repaired },
      'payments: the reconciliation repaired intents a webhook missed',
    );
  return { findings, repaired };
}
