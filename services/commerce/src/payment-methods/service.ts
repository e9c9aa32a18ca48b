import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, notFound, type RequestOrigin } from '@seren/service-kit';
import type Stripe from 'stripe';
import type { Commerce } from '../application.js';
import { callerOrganization, requireBillingManage } from '../plans/access.js';
import { stripeCall } from '../stripe/service.js';
import { checkStripePaymentMethodId, paymentMethodsDecider, type PaymentMethodCommand } from './decide.js';
import { paymentMethodsStream } from './payment-methods.js';
import { findPaymentMethod, paymentMethodsOf, stripeCustomerOf, type PaymentMethodView } from './queries.js';

async function handlePaymentMethods(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  command: PaymentMethodCommand,
) {
  return handle(
    commerce,
    undefined,
    paymentMethodsStream(organizationId),
    paymentMethodsDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

/**
 * The organization's Stripe customer, created on first use. Stripe's idempotency key makes two
 * first uses at once create one customer; the row keeps whichever id was stored first.
 */
export async function ensureStripeCustomer(commerce: Commerce, organizationId: string): Promise<string> {
  const known = await stripeCustomerOf(commerce, organizationId);
  if (known) return known;
  const customer = await stripeCall(() =>
    commerce.stripe.client.customers.create(
      {
        metadata: { organization_id: organizationId },
        description: `SerenAI organization ${organizationId}`,
      },
      { idempotencyKey: `customer:${organizationId}` },
    ),
  );
  await commerce.dataSource.query(
    `insert into stripe_customers (organization_id, customer_id) values ($1, $2) on conflict do nothing`,
    [organizationId, customer.id],
  );
  return (await stripeCustomerOf(commerce, organizationId))!;
}

export function listPaymentMethods(commerce: Commerce, request: RequestOrigin): Promise<PaymentMethodView[]> {
  return paymentMethodsOf(commerce, callerOrganization(request).organizationId);
}

const cardOf = (method: Stripe.PaymentMethod) =>
  method.card
    ? {
        brand: method.card.brand,
        last4: method.card.last4,
        expMonth: method.card.exp_month,
        expYear: method.card.exp_year,
      }
    : null;

/**
 * Attaches a Stripe payment method (created client-side with Stripe.js) to the organization's
 * Stripe customer. The first one becomes the default, as does one added with `setAsDefault`; the
 * Stripe customer's invoice default follows. Adding one already attached answers it (made default
 * if asked), so a retried request changes nothing.
 */
export async function addPaymentMethod(
  commerce: Commerce,
  request: RequestOrigin,
  input: { stripePaymentMethodId: string; setAsDefault: boolean },
): Promise<PaymentMethodView> {
  const { organizationId, subject } = callerOrganization(request);
  requireBillingManage(request);
  const stripeId = checkStripePaymentMethodId(input.stripePaymentMethodId);
  const now = () => commerce.now().toISOString();

  const existing = await findPaymentMethod(commerce, organizationId, stripeId);
  if (existing) {
    if (input.setAsDefault && !existing.isDefault)
      await makeDefault(commerce, request, organizationId, existing);
    return (await findPaymentMethod(commerce, organizationId, existing.id))!;
  }

  const customer = await ensureStripeCustomer(commerce, organizationId);
  const paymentMethodId = randomUUID();
  // keyed by our new id: a method removed and added again within Stripe's 24 h must be attached
  // again, not answered from the first attach (attaching to the same customer twice is harmless)
  const attached = await stripeCall(() =>
    commerce.stripe.client.paymentMethods.attach(
      stripeId,
      { customer },
      { idempotencyKey: `attach:${organizationId}:${paymentMethodId}` },
    ),
  );
  const { events } = await handlePaymentMethods(commerce, request, organizationId, {
    type: 'AttachPaymentMethod',
    organizationId,
    paymentMethodId,
    stripePaymentMethodId: stripeId,
    stripeCustomerId: customer,
    methodType: attached.type,
    card: cardOf(attached),
    setAsDefault: input.setAsDefault,
    by: subject,
    now: now(),
  });
  if (events.some((event) => event.type === 'DefaultPaymentMethodChanged'))
    await setStripeDefault(commerce, customer, stripeId);
  return (await findPaymentMethod(commerce, organizationId, paymentMethodId))!;
}

async function makeDefault(
  commerce: Commerce,
  request: RequestOrigin,
  organizationId: string,
  method: PaymentMethodView,
) {
  await setStripeDefault(commerce, method.stripeCustomerId, method.stripePaymentMethodId);
  await handlePaymentMethods(commerce, request, organizationId, {
    type: 'SetDefaultPaymentMethod',
    organizationId,
    paymentMethodId: method.id,
    now: commerce.now().toISOString(),
  });
}

const setStripeDefault = (commerce: Commerce, customer: string, stripePaymentMethodId: string | null) =>
  stripeCall(() =>
    commerce.stripe.client.customers.update(customer, {
      invoice_settings: { default_payment_method: stripePaymentMethodId ?? '' },
    }),
  );

/**
 * Detaches the method from the organization's Stripe customer and removes it; when it was the
 * default, the newest remaining method becomes the default. Another organization's method is 404.
 */
export async function removePaymentMethod(
  commerce: Commerce,
  request: RequestOrigin,
  id: string,
): Promise<boolean> {
  const { organizationId, subject } = callerOrganization(request);
  requireBillingManage(request);
  const method = await findPaymentMethod(commerce, organizationId, id);
  if (!method) throw notFound('payment method');
  await stripeCall(() => commerce.stripe.client.paymentMethods.detach(method.stripePaymentMethodId));
  const { events } = await handlePaymentMethods(commerce, request, organizationId, {
    type: 'RemovePaymentMethod',
    organizationId,
    paymentMethodId: method.id,
    by: subject,
    now: commerce.now().toISOString(),
  });
  const promoted = events.find((event) => event.type === 'DefaultPaymentMethodChanged');
  if (promoted?.type === 'DefaultPaymentMethodChanged' && promoted.data.paymentMethodId) {
    const next = await findPaymentMethod(commerce, organizationId, promoted.data.paymentMethodId);
    if (next) await setStripeDefault(commerce, next.stripeCustomerId, next.stripePaymentMethodId);
  }
  return true;
}
