import { randomBytes, randomUUID } from 'node:crypto';
import { checkOutboundUrl, OutboundRefused } from '@seren/outbound';
import { eventMetadataOf, handle, transaction, type RequestOrigin } from '@seren/service-kit';
import { seal } from '@seren/service-kit/sealing';
import {
  attemptsOf,
  findDelivery,
  listDeliveries,
  redeliver,
  resetReceiverHealth,
  type AttemptView,
  type DeliveryView,
} from '@seren/webhooks';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import { invalidFields } from '../pagination.js';
import { webhookDecider, webhookErrors, type WebhookCommand, type WebhookInput } from './decide.js';
import { deliveryTables } from './delivery.js';
import { findWebhook, webhooksOf, type WebhookView } from './queries.js';
import { webhookTypes } from './registry.js';
import { webhookRuntimeOf } from './runtime.js';
import { webhookStream } from './webhook.js';

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** A subscription with its signing secret in clear: answered once, at creation and at rotation. */
export interface WebhookWithSecret {
  webhook: WebhookView;
  secret: string;
}

/** A delivery and its attempts, for the log. */
export interface WebhookDeliveryView extends DeliveryView {
  attemptLog: AttemptView[];
}

const actorOf = (request: RequestOrigin) => eventMetadataOf(request).actor ?? null;

async function checkedUrl(crm: Crm, url: string | null | undefined): Promise<void> {
  if (!url) return;
  try {
    await checkOutboundUrl(url, crm.settings.outbound, { field: 'url' });
  } catch (error) {
    if (error instanceof OutboundRefused) throw invalidFields([{ field: 'url', message: error.message }]);
    throw error;
  }
}

function run(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
  command: WebhookCommand,
  manager?: EntityManager,
) {
  return handle(crm, manager, webhookStream(webhookId), webhookDecider, command, eventMetadataOf(request));
}

async function storeSecret(
  manager: EntityManager,
  crm: Crm,
  webhookId: string,
  secretId: string,
  secret: string,
) {
  await manager.query(
    `insert into webhook_signing_secrets (id, webhook_id, sealed, created_at) values ($1, $2, $3, $4)`,
    [
      secretId,
      webhookId,
      seal(crm.settings.keyring.current, `webhook-secret-${secretId}`, secret),
      crm.now().toISOString(),
    ],
  );
}

async function storeHeaders(
  manager: EntityManager,
  crm: Crm,
  webhookId: string,
  headers: Record<string, string> | null,
) {
  const sealed =
    headers && Object.keys(headers).length > 0
      ? seal(crm.settings.keyring.current, `webhook-headers-${webhookId}`, JSON.stringify(headers))
      : null;
  await manager.query(`update webhook_subscriptions set headers_sealed = $2 where id = $1`, [
    webhookId,
    sealed,
  ]);
}

async function found(crm: Crm, locationId: string, webhookId: string): Promise<WebhookView> {
  const webhook = await findWebhook(crm, locationId, webhookId);
  if (!webhook) throw webhookErrors.notFound('webhook');
  return webhook;
}

/**
 * Subscribes a URL of the caller's location to webhook events. The URL must not point inside
 * (checked now against every address its host resolves to; again at each send). Answers the
 * signing secret once; it is stored sealed under crm's keyring, like the custom headers' values.
 */
export async function createWebhook(
  crm: Crm,
  request: RequestOrigin,
  input: WebhookInput,
): Promise<WebhookWithSecret> {
  const locationId = locationOf(request);
  await checkedUrl(crm, input.url);
  const webhookId = randomUUID();
  const secretId = randomUUID();
  const secret = newSecret();
  await transaction(crm, async (manager) => {
    await run(
      crm,
      request,
      webhookId,
      {
        type: 'CreateWebhook',
        webhookId,
        locationId,
        input,
        knownEvents: webhookTypes,
        secretId,
        actor: actorOf(request),
        now: crm.now().toISOString(),
      },
      manager,
    );
    await storeSecret(manager, crm, webhookId, secretId, secret);
    await storeHeaders(manager, crm, webhookId, input.headers ?? null);
  });
  return { webhook: await found(crm, locationId, webhookId), secret };
}

export function listWebhooks(crm: Crm, request: RequestOrigin): Promise<WebhookView[]> {
  return webhooksOf(crm, locationOf(request));
}

export function getWebhook(crm: Crm, request: RequestOrigin, webhookId: string): Promise<WebhookView> {
  return found(crm, locationOf(request), webhookId);
}

/** Changes what is given; `headers` replaces the custom headers; enabling again starts the failure count afresh. */
export async function updateWebhook(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
  input: WebhookInput,
): Promise<WebhookView> {
  const locationId = locationOf(request);
  const before = await found(crm, locationId, webhookId);
  await checkedUrl(crm, input.url);
  await transaction(crm, async (manager) => {
    await run(
      crm,
      request,
      webhookId,
      {
        type: 'UpdateWebhook',
        input,
        knownEvents: webhookTypes,
        actor: actorOf(request),
        now: crm.now().toISOString(),
      },
      manager,
    );
    if (input.headers !== undefined) await storeHeaders(manager, crm, webhookId, input.headers);
    if (input.enabled === true && !before.enabled)
      await resetReceiverHealth(manager, deliveryTables, webhookId);
  });
  return found(crm, locationId, webhookId);
}

/**
 * A new signing secret, answered once; the previous one keeps signing (a second `v1=`) until the
 * overlap ends (CRM_WEBHOOK_SECRET_OVERLAP_MS, 24 h), so receivers can switch without losing a delivery.
 */
export async function rotateWebhookSecret(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
): Promise<WebhookWithSecret> {
  const locationId = locationOf(request);
  await found(crm, locationId, webhookId);
  const secretId = randomUUID();
  const secret = newSecret();
  const now = crm.now();
  const until = new Date(now.getTime() + webhookRuntimeOf(crm).secretOverlapMs).toISOString();
  await transaction(crm, async (manager) => {
    await run(
      crm,
      request,
      webhookId,
      {
        type: 'RotateWebhookSecret',
        secretId,
        previousSecretExpiresAt: until,
        actor: actorOf(request),
        now: now.toISOString(),
      },
      manager,
    );
    // every older secret still live stops at the overlap's end at the latest
    await manager.query(
      `update webhook_signing_secrets set expires_at = least(coalesce(expires_at, $2), $2) where webhook_id = $1`,
      [webhookId, until],
    );
    await storeSecret(manager, crm, webhookId, secretId, secret);
  });
  return { webhook: await found(crm, locationId, webhookId), secret };
}

export async function deleteWebhook(crm: Crm, request: RequestOrigin, webhookId: string): Promise<boolean> {
  await found(crm, locationOf(request), webhookId);
  await run(crm, request, webhookId, {
    type: 'DeleteWebhook',
    actor: actorOf(request),
    now: crm.now().toISOString(),
  });
  return true;
}

export interface DeliveryPage {
  limit?: number | null;
  /** the previous page's last delivery id */
  startAfterId?: string | null;
  state?: DeliveryView['state'] | null;
}

/** A subscription's deliveries, newest first, each with every attempt. */
export async function listWebhookDeliveries(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
  page: DeliveryPage = {},
): Promise<{ deliveries: WebhookDeliveryView[]; nextStartAfterId: string | null }> {
  await found(crm, locationOf(request), webhookId);
  const limit = page.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidFields([{ field: 'limit', message: 'must be 1-100' }]);
  let after: { createdAt: Date; id: string } | undefined;
  if (page.startAfterId) {
    const previous = await findDelivery(crm.dataSource, deliveryTables, webhookId, page.startAfterId);
    if (!previous)
      throw invalidFields([{ field: 'startAfterId', message: 'is not a delivery of this webhook' }]);
    after = { createdAt: previous.createdAt, id: previous.id };
  }
  const deliveries = await listDeliveries(crm.dataSource, deliveryTables, webhookId, {
    limit: limit + 1,
    after,
    state: page.state ?? undefined,
  });
  const pageRows = deliveries.slice(0, limit);
  const attempts = await attemptsOf(
    crm.dataSource,
    deliveryTables,
    pageRows.map((d) => d.id),
  );
  return {
    deliveries: pageRows.map((d) => ({ ...d, attemptLog: attempts.get(d.id) ?? [] })),
    nextStartAfterId: deliveries.length > limit ? (pageRows.at(-1)?.id ?? null) : null,
  };
}

export async function getWebhookDelivery(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  await found(crm, locationOf(request), webhookId);
  const delivery = await findDelivery(crm.dataSource, deliveryTables, webhookId, deliveryId);
  if (!delivery) throw webhookErrors.notFound('delivery');
  const attempts = await attemptsOf(crm.dataSource, deliveryTables, [deliveryId]);
  return { ...delivery, attemptLog: attempts.get(deliveryId) ?? [] };
}

/** Sends a delivery again, by hand (any state but one being sent now: 409). */
export async function redeliverWebhookDelivery(
  crm: Crm,
  request: RequestOrigin,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDeliveryView> {
  await getWebhookDelivery(crm, request, webhookId, deliveryId);
  const queued = await redeliver(crm.dataSource, deliveryTables, webhookId, deliveryId, crm.now());
  if (!queued)
    throw webhookErrors.conflict('the delivery is being sent right now; try again when it is done');
  return getWebhookDelivery(crm, request, webhookId, deliveryId);
}

/** The Ed25519 public key (PEM) receivers verify `X-GHL-Signature` with. */
export function webhookPublicKey(crm: Crm): string {
  return webhookRuntimeOf(crm).publicKeyPem;
}
