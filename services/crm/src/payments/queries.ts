import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { invalidFields, type FieldProblem } from '../pagination.js';
import type { ModeKeys, PaymentMode } from './connection.js';
import type { PaymentProvider, PaymentStatus } from './payment.js';

export interface PaymentView {
  id: string;
  locationId: string;
  contactId: string;
  opportunityId: string | null;
  appointmentId: string | null;
  connectionId: string;
  provider: PaymentProvider;
  liveMode: boolean;
  providerPaymentId: string;
  /** minor units */
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  status: PaymentStatus;
  amountCaptured: number;
  amountRefunded: number;
  failureMessage: string | null;
  returnUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

interface PaymentRow {
  id: string;
  location_id: string;
  contact_id: string;
  opportunity_id: string | null;
  appointment_id: string | null;
  connection_id: string;
  provider: PaymentProvider;
  live_mode: boolean;
  provider_payment_id: string;
  amount: string;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  status: PaymentStatus;
  amount_captured: string;
  amount_refunded: string;
  failure_message: string | null;
  return_url: string | null;
  created_at: Date;
  updated_at: Date;
}

const toPayment = (row: PaymentRow): PaymentView => ({
  id: row.id,
  locationId: row.location_id,
  contactId: row.contact_id,
  opportunityId: row.opportunity_id,
  appointmentId: row.appointment_id,
  connectionId: row.connection_id,
  provider: row.provider,
  liveMode: row.live_mode,
  providerPaymentId: row.provider_payment_id,
  amount: Number(row.amount),
  currency: row.currency,
  description: row.description,
  metadata: row.metadata,
  status: row.status,
  amountCaptured: Number(row.amount_captured),
  amountRefunded: Number(row.amount_refunded),
  failureMessage: row.failure_message,
  returnUrl: row.return_url,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's payment, or undefined (another location's is not found either). */
export async function findPayment(
  app: ApplicationContext,
  locationId: string,
  paymentId: string,
  manager?: EntityManager,
): Promise<PaymentView | undefined> {
  const rows: PaymentRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from payments where id = $1 and location_id = $2`,
    [paymentId, locationId],
  );
  return rows[0] && toPayment(rows[0]);
}

/** A connection's payment by the provider's id (webhooks and the reconciliation), newest first. */
export async function paymentOfProvider(
  app: ApplicationContext,
  connectionId: string,
  providerPaymentId: string,
): Promise<PaymentView | undefined> {
  const rows: PaymentRow[] = await app.dataSource.query(
    `select * from payments where connection_id = $1 and provider_payment_id = $2 order by created_at desc limit 1`,
    [connectionId, providerPaymentId],
  );
  return rows[0] && toPayment(rows[0]);
}

/** A connection's payment by our id (a provider echoes it back as metadata or transactionId). */
export async function paymentOfConnection(
  app: ApplicationContext,
  connectionId: string,
  paymentId: string,
): Promise<PaymentView | undefined> {
  const rows: PaymentRow[] = await app.dataSource.query(
    `select * from payments where id = $1 and connection_id = $2`,
    [paymentId, connectionId],
  );
  return rows[0] && toPayment(rows[0]);
}

/** A connection's payments still waiting for an outcome, created since `since` (the reconciliation's). */
export async function openPayments(
  app: ApplicationContext,
  connectionId: string,
  since: Date,
): Promise<PaymentView[]> {
  const rows: PaymentRow[] = await app.dataSource.query(
    `select * from payments where connection_id = $1 and status in ('requires_confirmation', 'processing', 'failed')
       and created_at >= $2 order by created_at limit 1000`,
    [connectionId, since],
  );
  return rows.map(toPayment);
}

export interface PaymentFilter {
  contactId?: string | null;
  /** an opportunity or appointment the payment is for (HighLevel's entityId) */
  entityId?: string | null;
  /** live or test (HighLevel's paymentMode) */
  paymentMode?: string | null;
  status?: string | null;
  /** ISO 8601 bounds on the creation time (HighLevel's startAt / endAt) */
  startAt?: string | null;
  endAt?: string | null;
}

const statuses: PaymentStatus[] = [
  'requires_confirmation',
  'processing',
  'failed',
  'succeeded',
  'partially_refunded',
  'refunded',
  'canceled',
];

/**
 * HighLevel's `GET /payments/transactions`: newest first, `limit` 1..100 (default 10) from `offset`,
 * with the total of the filtered list. Every bad filter in one 400.
 */
export async function listPayments(
  app: ApplicationContext,
  locationId: string,
  filter: PaymentFilter,
  page: { limit?: number | null; offset?: number | null },
): Promise<{ items: PaymentView[]; total: number }> {
  const problems: FieldProblem[] = [];
  const limit = page.limit ?? 10;
  const offset = page.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    problems.push({ field: 'limit', message: 'must be an integer from 1 to 100' });
  if (!Number.isInteger(offset) || offset < 0 || offset > 100_000)
    problems.push({ field: 'offset', message: 'must be an integer from 0 to 100000' });
  const where = ['location_id = $1'];
  const params: unknown[] = [locationId];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.contactId) add((n) => `contact_id = $${n}`, filter.contactId);
  if (filter.entityId) add((n) => `(opportunity_id = $${n} or appointment_id = $${n})`, filter.entityId);
  if (filter.paymentMode) {
    if (filter.paymentMode !== 'live' && filter.paymentMode !== 'test')
      problems.push({ field: 'paymentMode', message: 'must be live or test' });
    else add((n) => `live_mode = $${n}`, filter.paymentMode === 'live');
  }
  if (filter.status) {
    if (!(statuses as string[]).includes(filter.status))
      problems.push({ field: 'status', message: `must be one of ${statuses.join(', ')}` });
    else add((n) => `status = $${n}`, filter.status);
  }
  for (const [field, op] of [
    ['startAt', '>='],
    ['endAt', '<='],
  ] as const) {
    const value = filter[field];
    if (!value) continue;
    if (Number.isNaN(Date.parse(value))) problems.push({ field, message: 'must be an ISO 8601 date-time' });
    else add((n) => `created_at ${op} $${n}`, new Date(value));
  }
  if (problems.length > 0) throw invalidFields(problems);
  const filtered = where.join(' and ');
  const [rows, count]: [PaymentRow[], { total: string }[]] = await Promise.all([
    app.dataSource.query(
      `select * from payments where ${filtered} order by created_at desc, id desc
       limit $${params.length + 1} offset $${params.length + 2}`,
      [...params, limit, offset],
    ),
    app.dataSource.query(`select count(*) as total from payments where ${filtered}`, params),
  ]);
  return { items: rows.map(toPayment), total: Number(count[0]!.total) };
}

export interface PaymentConnectionView {
  id: string;
  locationId: string;
  provider: PaymentProvider;
  name: string;
  description: string | null;
  paymentsUrl: string | null;
  queryUrl: string | null;
  imageUrl: string | null;
  keys: Partial<Record<PaymentMode, ModeKeys>>;
  createdAt: string;
  updatedAt: string;
}

interface ConnectionRow {
  id: string;
  location_id: string;
  provider: PaymentProvider;
  name: string;
  description: string | null;
  payments_url: string | null;
  query_url: string | null;
  image_url: string | null;
  keys: Partial<Record<PaymentMode, ModeKeys>>;
  created_at: Date;
  updated_at: Date;
}

const toConnection = (row: ConnectionRow): PaymentConnectionView => ({
  id: row.id,
  locationId: row.location_id,
  provider: row.provider,
  name: row.name,
  description: row.description,
  paymentsUrl: row.payments_url,
  queryUrl: row.query_url,
  imageUrl: row.image_url,
  keys: row.keys,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's live connection to `provider`, or undefined. */
export async function connectionOf(
  app: ApplicationContext,
  locationId: string,
  provider: PaymentProvider,
): Promise<PaymentConnectionView | undefined> {
  const rows: ConnectionRow[] = await app.dataSource.query(
    `select * from payment_connections where location_id = $1 and provider = $2 and disconnected_at is null`,
    [locationId, provider],
  );
  return rows[0] && toConnection(rows[0]);
}

/** The location's live connections (Stripe and custom), oldest first. */
export async function connectionsOf(
  app: ApplicationContext,
  locationId: string,
): Promise<PaymentConnectionView[]> {
  const rows: ConnectionRow[] = await app.dataSource.query(
    `select * from payment_connections where location_id = $1 and disconnected_at is null order by created_at, id`,
    [locationId],
  );
  return rows.map(toConnection);
}

/** A live connection by id (webhooks name it in their URL; the reconciliation by its schedule). */
export async function connectionById(
  app: ApplicationContext,
  connectionId: string,
): Promise<PaymentConnectionView | undefined> {
  const rows: ConnectionRow[] = await app.dataSource.query(
    `select * from payment_connections where id = $1 and disconnected_at is null`,
    [connectionId],
  );
  return rows[0] && toConnection(rows[0]);
}
