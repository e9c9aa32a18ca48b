import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';

export interface PaymentMethodView {
  id: string;
  organizationId: string;
  stripePaymentMethodId: string;
  stripeCustomerId: string;
  type: string;
  cardBrand: string | null;
  cardLast4: string | null;
  cardExpMonth: number | null;
  cardExpYear: number | null;
  isDefault: boolean;
  createdAt: string;
}

interface PaymentMethodRow {
  id: string;
  organization_id: string;
  stripe_payment_method_id: string;
  stripe_customer_id: string;
  type: string;
  card_brand: string | null;
  card_last4: string | null;
  card_exp_month: number | null;
  card_exp_year: number | null;
  is_default: boolean;
  created_at: Date;
}

const toView = (row: PaymentMethodRow): PaymentMethodView => ({
  id: row.id,
  organizationId: row.organization_id,
  stripePaymentMethodId: row.stripe_payment_method_id,
  stripeCustomerId: row.stripe_customer_id,
  type: row.type,
  cardBrand: row.card_brand,
  cardLast4: row.card_last4,
  cardExpMonth: row.card_exp_month,
  cardExpYear: row.card_exp_year,
  isDefault: row.is_default,
  createdAt: row.created_at.toISOString(),
});

const managerOf = (app: ApplicationContext, manager?: EntityManager) => manager ?? app.dataSource.manager;

/** The organization's payment methods, the default first, then oldest first. */
export async function paymentMethodsOf(
  app: ApplicationContext,
  organizationId: string,
  manager?: EntityManager,
): Promise<PaymentMethodView[]> {
  const rows: PaymentMethodRow[] = await managerOf(app, manager).query(
    `select * from payment_methods where organization_id = $1 order by is_default desc, created_at, id`,
    [organizationId],
  );
  return rows.map(toView);
}

/** One of the organization's payment methods, by our id or its Stripe id; another organization's is undefined. */
export async function findPaymentMethod(
  app: ApplicationContext,
  organizationId: string,
  id: string,
  manager?: EntityManager,
): Promise<PaymentMethodView | undefined> {
  const rows: PaymentMethodRow[] = await managerOf(app, manager).query(
    `select * from payment_methods where organization_id = $1 and (id = $2 or stripe_payment_method_id = $2)`,
    [organizationId, id],
  );
  return rows[0] && toView(rows[0]);
}

/** The organization's default payment method, if it has any. */
export async function defaultPaymentMethodOf(
  app: ApplicationContext,
  organizationId: string,
  manager?: EntityManager,
): Promise<PaymentMethodView | undefined> {
  const rows: PaymentMethodRow[] = await managerOf(app, manager).query(
    `select * from payment_methods where organization_id = $1 and is_default`,
    [organizationId],
  );
  return rows[0] && toView(rows[0]);
}

/** Whether the organization has a payment method on file (the wallet's payment-method bonus asks). */
export async function hasPaymentMethod(
  app: ApplicationContext,
  organizationId: string,
  manager?: EntityManager,
): Promise<boolean> {
  const rows: unknown[] = await managerOf(app, manager).query(
    `select 1 from payment_methods where organization_id = $1 limit 1`,
    [organizationId],
  );
  return rows.length > 0;
}

/** The organization's Stripe customer id, once it has one. */
export async function stripeCustomerOf(
  app: ApplicationContext,
  organizationId: string,
  manager?: EntityManager,
): Promise<string | undefined> {
  const rows: { customer_id: string }[] = await managerOf(app, manager).query(
    `select customer_id from stripe_customers where organization_id = $1`,
    [organizationId],
  );
  return rows[0]?.customer_id;
}
