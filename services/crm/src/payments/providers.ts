import { OutboundRefused, outboundFetch } from '@seren/outbound';
import { domainErrorsOf } from '@seren/service-kit/errors';
import Stripe from 'stripe';
import type { Crm } from '../application.js';
import type { PaymentConnectionView } from './queries.js';
import type { ProviderKeys } from './secrets.js';

// The port to a connection's payment provider, one implementation per kind. Above it the code is the
// same for Stripe and a custom provider: create, confirm, cancel, refund, and `recent` (what the
// reconciliation reads); webhooks of both kinds are parsed into the same `Finding`s the
// reconciliation yields, and applied by one function (reconcile.ts).

type ProviderReason = 'PROVIDER_DECLINED' | 'PROVIDER_NOT_CONFIGURED';
export const providerErrors = domainErrorsOf<ProviderReason>();

/** What a provider reported about one of our payments (a webhook event, or found by listing). */
export type Finding = {
  /** the provider's event id (or one the reconciliation makes from the payment and outcome) */
  eventId: string;
  /** our payment id when the provider echoes it (Stripe metadata, the custom provider's transactionId) */
  paymentId: string | null;
  providerPaymentId: string | null;
} & (
  | { kind: 'succeeded'; amountCaptured: number }
  | { kind: 'failed'; message: string | null }
  | { kind: 'refunded'; refundId: string; providerRefundId: string | null; amount: number }
  | { kind: 'refund_failed'; refundId: string; message: string | null }
);

export interface CreateAtProvider {
  paymentId: string;
  contactId: string;
  amount: number;
  currency: string;
  description: string | null;
  metadata: Record<string, string>;
  returnUrl: string | null;
}

export interface RefundAnswer {
  status: 'succeeded' | 'pending' | 'failed';
  providerRefundId: string | null;
  message: string | null;
}

export interface ProviderClient {
  create(input: CreateAtProvider): Promise<{ providerPaymentId: string; clientSecret: string | null }>;
  confirm(input: {
    paymentId: string;
    /** names this confirmation (the provider's idempotency key): the same on a retried request */
    attemptId: string;
    providerPaymentId: string;
    paymentMethod: string | null;
    returnUrl: string | null;
  }): Promise<void>;
  cancel(input: { paymentId: string; providerPaymentId: string; reason: string | null }): Promise<void>;
  refund(input: {
    paymentId: string;
    providerPaymentId: string;
    refundId: string;
    amount: number;
  }): Promise<RefundAnswer>;
  /** what the provider reports since `since` about the connection's payments */
  recent(since: Date): Promise<Finding[]>;
}

export function providerClientOf(
  crm: Crm,
  connection: PaymentConnectionView,
  keys: ProviderKeys,
): ProviderClient {
  return connection.provider === 'stripe' ? stripeProvider(crm, keys) : customProvider(crm, connection, keys);
}

// ---- Stripe ----------------------------------------------------------------------------------------

/** A Stripe client for one mode's secret key, at STRIPE_API_BASE (stripe-mock outside production). */
export function stripeClientOf(crm: Crm, secretKey: string): Stripe {
  const url = crm.payments.stripeApiBase;
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  return new Stripe(secretKey, {
    host: url.hostname,
    port: url.port ? Number(url.port) : protocol === 'https' ? 443 : 80,
    protocol,
    // the SDK retries network errors and 409/5xx with the same idempotency key: never a second intent
    maxNetworkRetries: 2,
    timeout: 20_000,
    appInfo: { name: 'seren-crm' },
  });
}

async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // Stripe's 402 (a card declined) and 400 (a bad request) are the caller's to see
    if (
      error instanceof Stripe.errors.StripeCardError ||
      error instanceof Stripe.errors.StripeInvalidRequestError
    )
      throw providerErrors.paymentRequired(`Stripe: ${error.message}`, { reason: 'PROVIDER_DECLINED' });
    throw error;
  }
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? null);

/** The findings of one Stripe event (most events are none of ours). */
export function stripeFindings(event: Stripe.Event): Finding[] {
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      return [
        {
          kind: 'succeeded',
          eventId: event.id,
          paymentId: intent.metadata?.serebro_payment_id ?? null,
          providerPaymentId: intent.id,
          amountCaptured: intent.amount_received || intent.amount,
        },
      ];
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      return [
        {
          kind: 'failed',
          eventId: event.id,
          paymentId: intent.metadata?.serebro_payment_id ?? null,
          providerPaymentId: intent.id,
          message: intent.last_payment_error?.message ?? null,
        },
      ];
    }
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed': {
      const refund = event.data.object;
      const common = {
        eventId: event.id,
        paymentId: refund.metadata?.serebro_payment_id ?? null,
        providerPaymentId: idOf(refund.payment_intent),
        refundId: refund.metadata?.serebro_refund_id ?? refund.id,
      };
      if (refund.status === 'succeeded')
        return [{ kind: 'refunded', ...common, providerRefundId: refund.id, amount: refund.amount }];
      if (refund.status === 'failed' || refund.status === 'canceled')
        return [{ kind: 'refund_failed', ...common, message: refund.failure_reason ?? null }];
      return [];
    }
    default:
      return [];
  }
}

const stripeEventTypes = [
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'refund.created',
  'refund.updated',
  'refund.failed',
];

function stripeProvider(crm: Crm, keys: ProviderKeys): ProviderClient {
  if (!keys.secretKey)
    throw providerErrors.validationError('the Stripe connection has no secret key for this mode', {
      reason: 'PROVIDER_NOT_CONFIGURED',
    });
  const stripe = stripeClientOf(crm, keys.secretKey);
  return {
    async create(input) {
      const intent = await stripeCall(() =>
        stripe.paymentIntents.create(
          {
            amount: input.amount,
            currency: input.currency.toLowerCase(),
            ...(input.description ? { description: input.description } : {}),
            metadata: {
              ...input.metadata,
              serebro_payment_id: input.paymentId,
              serebro_contact_id: input.contactId,
            },
            automatic_payment_methods: { enabled: true },
          },
          { idempotencyKey: `serebro-payment-${input.paymentId}` },
        ),
      );
      return { providerPaymentId: intent.id, clientSecret: intent.client_secret };
    },
    async confirm(input) {
      await stripeCall(() =>
        stripe.paymentIntents.confirm(
          input.providerPaymentId,
          {
            ...(input.paymentMethod ? { payment_method: input.paymentMethod } : {}),
            ...(input.returnUrl ? { return_url: input.returnUrl } : {}),
          },
          { idempotencyKey: `serebro-confirm-${input.attemptId}` },
        ),
      );
    },
    async cancel(input) {
      await stripeCall(() =>
        stripe.paymentIntents.cancel(
          input.providerPaymentId,
          {},
          { idempotencyKey: `serebro-cancel-${input.paymentId}` },
        ),
      );
    },
    async refund(input) {
      const refund = await stripeCall(() =>
        stripe.refunds.create(
          {
            payment_intent: input.providerPaymentId,
            amount: input.amount,
            metadata: { serebro_payment_id: input.paymentId, serebro_refund_id: input.refundId },
          },
          { idempotencyKey: `serebro-refund-${input.refundId}` },
        ),
      );
      const status =
        refund.status === 'succeeded'
          ? 'succeeded'
          : refund.status === 'failed' || refund.status === 'canceled'
            ? 'failed'
            : 'pending';
      return { status, providerRefundId: refund.id, message: refund.failure_reason ?? null };
    },
    async recent(since) {
      // Stripe keeps 30 days of events: the ones a webhook may have missed are read back and applied
      // like a delivery (each event id once)
      const findings: Finding[] = [];
      const list = stripe.events.list({
        created: { gte: Math.floor(since.getTime() / 1000) },
        types: stripeEventTypes,
        limit: 100,
      });
      let seen = 0;
      for await (const event of list) {
        findings.push(...stripeFindings(event));
        if (++seen >= 1000) break;
      }
      return findings;
    },
  };
}

// ---- custom provider (HighLevel's custom-provider model) ------------------------------------------

/**
 * The location's own processor: Serebro POSTs JSON to its `queryUrl` with a `type` (HighLevel's
 * queryUrl protocol, with Serebro's intent types), the mode's `apiKey` in the body as HighLevel sends
 * it and as a bearer token; a 2xx JSON answer is success, a 4xx the provider's refusal (402 to our
 * caller, its message kept), anything else an outage (our 500; the idempotency key stays usable).
 */
function customProvider(crm: Crm, connection: PaymentConnectionView, keys: ProviderKeys): ProviderClient {
  if (!keys.apiKey || !connection.queryUrl)
    throw providerErrors.validationError('the custom provider has no keys for this mode', {
      reason: 'PROVIDER_NOT_CONFIGURED',
    });
  const call = async (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = (await outboundFetch(
        connection.queryUrl!,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.apiKey}` },
          body: JSON.stringify({ ...body, apiKey: keys.apiKey }),
          timeoutMs: 15_000,
          field: 'queryUrl',
        },
        crm.settings.outbound,
      )) as unknown as Response;
    } catch (error) {
      if (error instanceof OutboundRefused)
        throw providerErrors.validationError(error.message, { reason: 'PROVIDER_NOT_CONFIGURED' });
      throw error;
    }
    const text = await response.text();
    let answer: Record<string, unknown> = {};
    try {
      answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      // not JSON: judged by the status alone
    }
    if (response.status >= 400 && response.status < 500)
      throw providerErrors.paymentRequired(
        `payment provider: ${typeof answer.message === 'string' ? answer.message : `refused (${response.status})`}`,
        {
          reason: 'PROVIDER_DECLINED',
        },
      );
    if (!response.ok)
      throw new Error(
        `payment provider ${connection.id} answered ${response.status} to ${String(body.type)}`,
      );
    return answer;
  };
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  return {
    async create(input) {
      const answer = await call({
        type: 'create_payment',
        transactionId: input.paymentId,
        contactId: input.contactId,
        amount: input.amount,
        currency: input.currency,
        description: input.description,
        metadata: input.metadata,
        returnUrl: input.returnUrl,
      });
      const chargeId = str(answer.chargeId);
      if (!chargeId)
        throw new Error(`payment provider ${connection.id}: create_payment answered no chargeId`);
      return { providerPaymentId: chargeId, clientSecret: str(answer.clientSecret) };
    },
    async confirm(input) {
      await call({
        type: 'confirm_payment',
        transactionId: input.paymentId,
        chargeId: input.providerPaymentId,
        paymentMethod: input.paymentMethod,
      });
    },
    async cancel(input) {
      await call({
        type: 'cancel_payment',
        transactionId: input.paymentId,
        chargeId: input.providerPaymentId,
        reason: input.reason,
      });
    },
    async refund(input) {
      const answer = await call({
        type: 'refund',
        transactionId: input.paymentId,
        chargeId: input.providerPaymentId,
        refundId: input.refundId,
        amount: input.amount,
      });
      const status =
        answer.status === 'pending'
          ? 'pending'
          : answer.success === false || answer.status === 'failed'
            ? 'failed'
            : 'succeeded';
      return {
        status,
        providerRefundId: str(answer.refundId) ?? str(answer.id),
        message: str(answer.message),
      };
    },
    async recent(since) {
      const answer = await call({ type: 'list_payments', since: since.toISOString() });
      const payments = Array.isArray(answer.payments) ? (answer.payments as Record<string, unknown>[]) : [];
      return payments.flatMap((payment): Finding[] => {
        const chargeId = str(payment.chargeId);
        const common = { paymentId: str(payment.transactionId), providerPaymentId: chargeId };
        const key = `reconcile:${chargeId ?? common.paymentId}`;
        if (payment.status === 'succeeded' && typeof payment.amount === 'number')
          return [
            { kind: 'succeeded', eventId: `${key}:succeeded`, ...common, amountCaptured: payment.amount },
          ];
        if (payment.status === 'failed')
          return [{ kind: 'failed', eventId: `${key}:failed`, ...common, message: str(payment.message) }];
        return [];
      });
    },
  };
}

/** The findings of one custom-provider webhook body (HighLevel's event names: payment.captured...). */
export function customFindings(body: Record<string, unknown>): Finding[] {
  const str = (value: unknown) => (typeof value === 'string' && value !== '' ? value : null);
  const eventId = str(body.id) ?? str(body.eventId);
  if (!eventId) return [];
  const common = { eventId, paymentId: str(body.transactionId), providerPaymentId: str(body.chargeId) };
  const amount =
    typeof body.amount === 'number' && Number.isInteger(body.amount) && body.amount >= 0 ? body.amount : null;
  switch (body.event) {
    case 'payment.captured':
    case 'payment.succeeded':
      return amount === null ? [] : [{ kind: 'succeeded', ...common, amountCaptured: amount }];
    case 'payment.failed':
      return [{ kind: 'failed', ...common, message: str(body.message) }];
    case 'payment.refunded': {
      const refundId = str(body.refundId);
      return amount === null || !refundId
        ? []
        : [{ kind: 'refunded', ...common, refundId, providerRefundId: str(body.providerRefundId), amount }];
    }
    case 'refund.failed': {
      const refundId = str(body.refundId);
      return refundId ? [{ kind: 'refund_failed', ...common, refundId, message: str(body.message) }] : [];
    }
    default:
      return [];
  }
}
