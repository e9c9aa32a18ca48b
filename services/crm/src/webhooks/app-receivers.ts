import type { ConsumedEvent } from '@seren/event-store';
import type { DeliveryToEnqueue, Receiver } from '@seren/webhooks';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';

// HighLevel sends a marketplace app's INSTALL and UNINSTALL webhooks to the app's own webhook URL
// (set when the app is registered), not to a location's subscriptions. identity's install events
// carry that URL as it was then; the crm keeps the newest per app in `app_webhook_receivers` and
// enqueues the body for receiver `app:<appId>` in the delivery queue every subscription uses: the
// same retries, log and Ed25519 `X-GHL-Signature` (an app has no HMAC secret, as on HighLevel).

const PREFIX = 'app:';

/** The delivery queue's receiver id of an app's webhook URL (subscriptions' ids are uuids). */
export const appReceiverId = (appId: string) => `${PREFIX}${appId}`;

/** The app of an app receiver id; undefined for a subscription's. */
export const appOfReceiver = (receiverId: string) =>
  receiverId.startsWith(PREFIX) ? receiverId.slice(PREFIX.length) : undefined;

/** HighLevel's INSTALL / UNINSTALL body of an install event: our own fields (ids, scopes, the URL) dropped. */
export function installFields(event: ConsumedEvent): Record<string, unknown> & { type: string } {
  const {
    installId: _i,
    organizationId: _o,
    scopes: _s,
    clientId: _c,
    reason: _r,
    uninstalledBy: _u,
    webhookUrl: _w,
    ...fields
  } = event.data as Record<string, unknown>;
  return {
    ...(fields as { type: string }),
    timestamp: (fields.timestamp as string) ?? event.time.toISOString(),
  };
}

/**
 * For MarketplaceAppInstalled / Uninstalled: records the app's URL as of this event (an older event
 * read late leaves a newer URL alone) and answers the delivery to the app, keyed by the event id so
 * a redelivered event enqueues nothing twice. None when the event names no URL (events from before
 * identity carried it) or the app had none then. Location and agency installs alike.
 */
export async function appDeliveries(
  event: ConsumedEvent,
  manager: EntityManager,
): Promise<DeliveryToEnqueue[]> {
  const data = event.data as {
    appId: string;
    webhookUrl?: string | null;
    locationId: string | null;
    companyId: string | null;
  };
  if (data.webhookUrl === undefined) return [];
  const body = installFields(event);
  await manager.query(
    `insert into app_webhook_receivers (app_id, url, as_of) values ($1, $2, $3)
     on conflict (app_id) do update set url = excluded.url, as_of = excluded.as_of
     where app_webhook_receivers.as_of <= excluded.as_of`,
    [data.appId, data.webhookUrl, body.timestamp],
  );
  if (data.webhookUrl === null) return [];
  const id = randomUUID();
  return [
    {
      id,
      receiverId: appReceiverId(data.appId),
      ownerId: data.locationId ?? data.companyId ?? data.appId,
      eventId: `${event.id}:${body.type}`,
      eventType: body.type,
      payload: { ...body, webhookId: id },
    },
  ];
}

/**
 * An app receiver as the delivery worker needs it: the app's newest URL, POST, no custom headers or
 * HMAC secrets (the Ed25519 signature is the app's check). Never disabled by failures (an app has
 * no surface here to turn it on again): its deliveries retry on the schedule and then fail, logged.
 * Undefined when the app is unknown or has no URL any more (the delivery is then rejected).
 */
export async function appReceiverOf(crm: Crm, appId: string): Promise<Receiver | undefined> {
  const rows: Array<{ url: string | null }> = await crm.dataSource.query(
    `select url from app_webhook_receivers where app_id = $1`,
    [appId],
  );
  const url = rows[0]?.url;
  if (!url) return undefined;
  return { id: appReceiverId(appId), url, method: 'POST', headers: {}, secrets: [], enabled: true };
}
