import { mask, open, type Sealed } from '@seren/service-kit/sealing';
import type { Receiver } from '@seren/webhooks';
import type { Crm } from '../application.js';
import { appOfReceiver, appReceiverOf } from './app-receivers.js';

/** A subscription as the application layer answers it: header values masked, never the secret. */
export interface WebhookView {
  id: string;
  locationId: string;
  name: string | null;
  url: string;
  method: 'POST' | 'GET';
  events: string[];
  /** custom headers, values masked */
  headers: Array<{ name: string; value: string }>;
  enabled: boolean;
  /** why the engine disabled it (`consecutive_failures`), null otherwise */
  disabledReason: string | null;
  createdAt: string;
  updatedAt: string;
}

interface WebhookRow {
  id: string;
  location_id: string;
  name: string | null;
  url: string;
  method: 'POST' | 'GET';
  events: string[];
  header_names: string[];
  headers_sealed: Sealed | null;
  enabled: boolean;
  disabled_reason: string | null;
  secret_id: string;
  created_at: Date;
  updated_at: Date;
}

/** The sealed custom headers' clear values (the delivery's only reader). */
export function headersOf(crm: Crm, row: Pick<WebhookRow, 'id' | 'headers_sealed'>): Record<string, string> {
  if (!row.headers_sealed) return {};
  return JSON.parse(
    open(crm.settings.keyring.all, `webhook-headers-${row.id}`, row.headers_sealed),
  ) as Record<string, string>;
}

const toView = (crm: Crm, row: WebhookRow): WebhookView => {
  const headers = headersOf(crm, row);
  return {
    id: row.id,
    locationId: row.location_id,
    name: row.name,
    url: row.url,
    method: row.method,
    events: row.events,
    headers: row.header_names.map((name) => ({ name, value: mask(headers[name] ?? '') })),
    enabled: row.enabled,
    disabledReason: row.disabled_reason,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
};

export async function webhooksOf(crm: Crm, locationId: string): Promise<WebhookView[]> {
  const rows: WebhookRow[] = await crm.dataSource.query(
    `select * from webhook_subscriptions where location_id = $1 order by created_at desc, id desc`,
    [locationId],
  );
  return rows.map((row) => toView(crm, row));
}

export async function findWebhook(
  crm: Crm,
  locationId: string,
  webhookId: string,
): Promise<WebhookView | undefined> {
  const rows: WebhookRow[] = await crm.dataSource.query(
    `select * from webhook_subscriptions where id = $1 and location_id = $2`,
    [webhookId, locationId],
  );
  return rows[0] && toView(crm, rows[0]);
}

/** What the delivery needs of a subscription: URL, method, clear headers and the live signing secrets (newest first). */
export async function receiverOf(crm: Crm, webhookId: string): Promise<Receiver | undefined> {
  const appId = appOfReceiver(webhookId);
  if (appId !== undefined) return appReceiverOf(crm, appId);
  const rows: WebhookRow[] = await crm.dataSource.query(`select * from webhook_subscriptions where id = $1`, [
    webhookId,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  const secrets: Array<{ id: string; sealed: Sealed }> = await crm.dataSource.query(
    `select id, sealed from webhook_signing_secrets
     where webhook_id = $1 and (expires_at is null or expires_at > $2)
     order by created_at desc`,
    [webhookId, crm.now().toISOString()],
  );
  return {
    id: row.id,
    url: row.url,
    method: row.method,
    headers: headersOf(crm, row),
    secrets: secrets.map((s) => open(crm.settings.keyring.all, `webhook-secret-${s.id}`, s.sealed)),
    enabled: row.enabled,
  };
}
