import type { ApplicationContext } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { EntityManager } from 'typeorm';
import type { DepositStatus } from './deposit.js';

/** A deposit as shown: its decider's status, or what Stripe took back of a succeeded one. */
export type DepositViewStatus = DepositStatus | 'refunded' | 'disputed';

export interface DepositView {
  id: string;
  organizationId: string;
  paymentIntentId: string;
  amountCents: number;
  currency: 'usd';
  status: DepositViewStatus;
  /** what Stripe received (credited), once succeeded */
  amountReceivedCents: number | null;
  /** what Stripe took back: refunds so far plus open (not won) disputes */
  reversedCents: number;
  /** of which refunds */
  refundedCents: number;
  /** of which open disputes */
  disputedCents: number;
  failureReason: string | null;
  referralCode: string | null;
  createdAt: string;
  updatedAt: string;
}

interface DepositRow {
  id: string;
  organization_id: string;
  payment_intent_id: string;
  amount_cents: string;
  currency: 'usd';
  status: DepositViewStatus;
  amount_received_cents: string | null;
  refunded_cents: string;
  disputed_cents: string;
  failure_reason: string | null;
  referral_code: string | null;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: DepositRow): DepositView => ({
  id: row.id,
  organizationId: row.organization_id,
  paymentIntentId: row.payment_intent_id,
  amountCents: Number(row.amount_cents),
  currency: row.currency,
  status: row.status,
  amountReceivedCents: row.amount_received_cents === null ? null : Number(row.amount_received_cents),
  reversedCents: Number(row.refunded_cents) + Number(row.disputed_cents),
  refundedCents: Number(row.refunded_cents),
  disputedCents: Number(row.disputed_cents),
  failureReason: row.failure_reason,
  referralCode: row.referral_code,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

export async function findDeposit(
  app: ApplicationContext,
  depositId: string,
  manager?: EntityManager,
): Promise<DepositView | undefined> {
  const rows: DepositRow[] = await (manager ?? app.dataSource.manager).query(
    `select * from stripe_deposits where id = $1`,
    [depositId],
  );
  return rows[0] && toView(rows[0]);
}

/** The organization's deposit; another organization's answers 404 like a missing one. */
export async function depositOf(
  app: ApplicationContext,
  organizationId: string,
  depositId: string,
): Promise<DepositView> {
  const deposit = await findDeposit(app, depositId);
  if (!deposit || deposit.organizationId !== organizationId) throw notFound('deposit');
  return deposit;
}

/** A PaymentIntent's deposit (the webhook's fallback when the event carries no deposit id). */
export async function depositOfPaymentIntent(
  manager: EntityManager,
  paymentIntentId: string,
): Promise<DepositView | undefined> {
  const rows: DepositRow[] = await manager.query(
    `select * from stripe_deposits where payment_intent_id = $1 order by created_at desc limit 2`,
    [paymentIntentId],
  );
  // stripe-mock gives every PaymentIntent a fresh id, real Stripe too: two rows would be ambiguous
  return rows.length === 1 ? toView(rows[0]!) : undefined;
}
