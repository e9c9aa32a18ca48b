import { createHash, randomUUID } from 'node:crypto';
import { paidPlanTiers } from '@seren/contracts';
import {
  eventMetadataOf,
  handle,
  requireAuthenticated,
  transaction,
  type RequestOrigin,
} from '@seren/service-kit';
import type { EventMetadata } from '@seren/event-store';
import { validationError } from '@seren/service-kit/errors';
import type { Content } from '../application.js';
import { billingErrors, checkPlanChange, subscriptionDecider, type SubscriptionCommand } from './decide.js';
import { CURRENCY, planOf } from './plans.js';
import {
  emailOf,
  endDateOf,
  subscriptionHistoryOf,
  subscriptionStateOf,
  subscriptionViewOf,
  userOfCustomer,
  userOfReference,
  userOfSubscriptionCode,
} from './queries.js';
import { subscriptionStream, timerOf, type PaidTier, type SubscriptionTimer } from './subscription.js';

/** Paystack's payment channels; the spec's example sends `card`. */
export const paymentMethods = [
  'card',
  'bank',
  'ussd',
  'qr',
  'mobile_money',
  'bank_transfer',
  'eft',
  'apple_pay',
] as const;

export const subscriptionLifecycleWorkflowId = (userId: string) => `subscription-lifecycle-${userId}`;

function userOf(request: RequestOrigin): string {
  requireAuthenticated(request.caller);
  return request.caller.subject;
}

function paymentsOf(content: Content) {
  if (!content.payments)
    throw billingErrors.forbidden('payments are not configured on this deployment (PAYSTACK_SECRET_KEY)', {
      reason: 'FEATURE_NOT_AVAILABLE',
    });
  return content.payments;
}

async function record(
  content: Content,
  userId: string,
  command: SubscriptionCommand,
  metadata: EventMetadata,
  manager?: Parameters<typeof handle>[1],
) {
  return handle(content, manager, subscriptionStream(userId), subscriptionDecider, command, metadata);
}

/**
 * The subscription's durable timer (the `subscriptionLifecycle` workflow, one per user) re-reads
 * the subscription: it starts one if none runs, else signals the running one.
 */
export async function scheduleSubscriptionTimer(content: Content, userId: string): Promise<void> {
  await content.workflows.workflow.signalWithStart('subscriptionLifecycle', {
    taskQueue: content.taskQueue,
    workflowId: subscriptionLifecycleWorkflowId(userId),
    args: [{ userId }],
    signal: 'subscriptionChanged',
    signalArgs: [],
  });
}

// ---- the three operations ---------------------------------------------------------------------------

export const getSubscription = (content: Content, request: RequestOrigin) =>
  subscriptionViewOf(content, userOf(request), content.now());

export const getSubscriptionHistory = (content: Content, request: RequestOrigin) =>
  subscriptionHistoryOf(content, userOf(request));

export interface SubscriptionCreated {
  subscriptionId: string;
  plan: PaidTier;
  /** pending until Paystack reports the charge; active for a downgrade (scheduled, nothing to pay now) */
  status: 'pending' | 'active';
  authorizationUrl: string | null;
  reference: string | null;
}

/**
 * POST /billing/subscriptions. A new plan or an upgrade: a Paystack transaction on the plan (its
 * monthly Paystack plan, created on first use), answered with the checkout URL; the plan applies when
 * the signed `charge.success` arrives (handlePaystackWebhook). A downgrade: nothing to pay now, the
 * lower plan applies when the current cycle ends (the Paystack subscription is disabled now, the
 * new one created then).
 */
export async function createSubscription(
  content: Content,
  request: RequestOrigin,
  input: { plan: string; paymentMethod?: string | null },
): Promise<SubscriptionCreated> {
  const userId = userOf(request);
  if (input.plan === 'free')
    throw validationError('the free plan needs no subscription: cancel the paid one instead', {
      field: 'plan',
    });
  if (!(paidPlanTiers as readonly string[]).includes(input.plan))
    throw validationError(`plan must be one of ${paidPlanTiers.join(', ')}`, { field: 'plan' });
  const plan = input.plan as PaidTier;
  const paymentMethod = input.paymentMethod ?? 'card';
  if (!(paymentMethods as readonly string[]).includes(paymentMethod))
    throw validationError(`payment_method must be one of ${paymentMethods.join(', ')}`, {
      field: 'payment_method',
    });
  const payments = paymentsOf(content);
  const state = await subscriptionStateOf(content, userId);
  const change = checkPlanChange(state, plan);
  const metadata = eventMetadataOf(request);
  const now = content.now().toISOString();

  if (change === 'withdraw') {
    // the plan held, asked for again: the scheduled downgrade is taken back, and the current
    // Paystack subscription (stopped when the downgrade was scheduled) renews again
    await record(content, userId, { type: 'CancelDowngrade', userId, plan, now }, metadata);
    await enablePaystackSubscription(content, state.subscriptionCode);
    await scheduleSubscriptionTimer(content, userId);
    return {
      subscriptionId: state.subscriptionId!,
      plan,
      status: 'active',
      authorizationUrl: null,
      reference: null,
    };
  }

  if (change === 'downgrade') {
    await record(content, userId, { type: 'ScheduleDowngrade', userId, plan, now }, metadata);
    // The current Paystack subscription must not renew at the higher price; access stays until the
    // cycle's end, when the timer creates the lower plan's subscription.
    await disablePaystackSubscription(content, state.subscriptionCode);
    await scheduleSubscriptionTimer(content, userId);
    return {
      subscriptionId: state.subscriptionId!,
      plan,
      status: 'active',
      authorizationUrl: null,
      reference: null,
    };
  }

  const email = await emailOf(content, userId);
  if (!email)
    throw billingErrors.conflict('your account is not known to billing yet; try again in a moment', {
      reason: 'CUSTOMER_NOT_READY',
    });
  const { priceCents } = planOf(plan);
  const planCode = await payments.ensurePlan({
    name: paystackPlanName(plan),
    amountMinor: priceCents,
    currency: CURRENCY,
  });
  const subscriptionId = `sub_${randomUUID().replaceAll('-', '')}`;
  const reference = `srl_${randomUUID().replaceAll('-', '')}`;
  const checkout = await payments.initializeTransaction({
    email,
    amountMinor: priceCents,
    currency: CURRENCY,
    reference,
    planCode,
    channels: [paymentMethod],
    ...(content.billingCallbackUrl ? { callbackUrl: content.billingCallbackUrl } : {}),
    metadata: { user_id: userId, subscription_id: subscriptionId, plan },
  });
  await record(
    content,
    userId,
    {
      type: 'StartCheckout',
      userId,
      subscriptionId,
      plan,
      reference: checkout.reference,
      paymentMethod,
      amountCents: priceCents,
      authorizationUrl: checkout.authorizationUrl,
      now,
    },
    metadata,
  );
  return {
    subscriptionId,
    plan,
    status: 'pending',
    authorizationUrl: checkout.authorizationUrl,
    reference: checkout.reference,
  };
}

/** The tier of a Paystack plan object, by the name billing gave it (`Serelo <tier>`); null if not ours. */
export function tierOfPaystackPlan(plan: PaystackEvent['data']['plan']): PaidTier | null {
  const name = typeof plan === 'object' && plan !== null ? (plan as { name?: string }).name : undefined;
  const tier = name?.match(/^Serelo (\w+)$/)?.[1];
  return tier && (paidPlanTiers as readonly string[]).includes(tier) ? (tier as PaidTier) : null;
}

/** The name of a tier's monthly plan at Paystack (looked up by name and amount, created when missing). */
export const paystackPlanName = (tier: PaidTier) => `Serelo ${tier}`;

export interface SubscriptionCancellation {
  subscriptionId: string;
  status: 'cancelled';
  endDate: string;
  message: string;
}

/**
 * POST /billing/subscriptions/cancel: the Paystack subscription stops renewing; the plan stays until
 * the end of the billing cycle (no refund), when the timer drops the user to free. Cancelling again
 * answers the same.
 */
export async function cancelSubscription(
  content: Content,
  request: RequestOrigin,
): Promise<SubscriptionCancellation> {
  const userId = userOf(request);
  const state = await subscriptionStateOf(content, userId);
  if (state.status === 'active' || state.status === 'past_due') {
    await disablePaystackSubscription(content, state.subscriptionCode);
  }
  const { state: after } = await record(
    content,
    userId,
    { type: 'CancelSubscription', userId, by: 'user', now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  await scheduleSubscriptionTimer(content, userId);
  const endDate = endDateOf(after)!;
  return {
    subscriptionId: after.subscriptionId!,
    status: 'cancelled',
    endDate,
    message: `Subscription will end on ${endDate.slice(0, 10)}. You'll keep access until then.`,
  };
}

async function disablePaystackSubscription(content: Content, code: string | null): Promise<void> {
  if (!code || !content.payments) return;
  const subscription = await content.payments.fetchSubscription(code);
  if (subscription.status !== 'active') return; // non-renewing, cancelled, complete: it renews no more
  await content.payments.disableSubscription({ code, token: subscription.emailToken });
}

async function enablePaystackSubscription(content: Content, code: string | null): Promise<void> {
  if (!code || !content.payments) return;
  const subscription = await content.payments.fetchSubscription(code);
  if (subscription.status === 'active') return; // it renews already
  await content.payments.enableSubscription({ code, token: subscription.emailToken });
}

// ---- Paystack's webhook -------------------------------------------------------------------------------

interface PaystackEvent {
  event: string;
  data: {
    id?: number | string;
    reference?: string;
    status?: string;
    amount?: number;
    paid_at?: string;
    subscription_code?: string;
    next_payment_date?: string | null;
    customer?: { customer_code?: string; email?: string } | null;
    subscription?: { subscription_code?: string } | null;
    plan?: { plan_code?: string; name?: string } | string | null;
  };
}

/**
 * The id a Paystack event is applied once by. Paystack's payloads carry no event id, but each names
 * its object's numeric id (`data.id`: the transaction, subscription or invoice), which with the
 * event's name is unique; a payload without one is known by the hash of its bytes (a redelivery is
 * byte-identical).
 */
export function paystackEventId(event: PaystackEvent, rawBody: Buffer): string {
  if (event.data?.id !== undefined && event.data.id !== null) return `${event.event}:${event.data.id}`;
  return `${event.event}:sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
}

export interface WebhookOutcome {
  received: true;
  duplicate: boolean;
}

/**
 * POST /internal/billing/paystack/webhook (forwarded raw by the gateway). The signature is the
 * authentication: `x-paystack-signature`, HMAC-SHA512 of the exact bytes with the secret key (401
 * INVALID_SIGNATURE otherwise). Each event id applies once (`paystack_webhook_events`, in the same
 * transaction as its effect); a redelivery answers `duplicate: true` and changes nothing.
 */
export async function handlePaystackWebhook(
  content: Content,
  rawBody: Buffer,
  signature: string | undefined,
  origin: Omit<RequestOrigin, 'caller'>,
): Promise<WebhookOutcome> {
  const payments = paymentsOf(content);
  if (!payments.verifySignature(rawBody, signature))
    throw billingErrors.unauthenticated('the x-paystack-signature does not match the body', {
      reason: 'INVALID_SIGNATURE',
    });
  let event: PaystackEvent;
  try {
    event = JSON.parse(rawBody.toString('utf8')) as PaystackEvent;
  } catch {
    throw validationError('the webhook body is not JSON');
  }
  if (typeof event?.event !== 'string' || typeof event.data !== 'object' || event.data === null)
    throw validationError('a Paystack event has `event` and `data`');
  const eventId = paystackEventId(event, rawBody);
  const metadata: EventMetadata = {
    actor: 'paystack',
    correlationId: eventId,
    traceparent: origin.traceparent,
  };
  const now = content.now().toISOString();

  // What the event means, worked out before the transaction (a verification is a network call).
  const command = await commandOf(content, event, now);
  const before = command ? await subscriptionStateOf(content, command.userId) : null;
  const outcome = await transaction(content, async (manager) => {
    const inserted: unknown[] = await manager.query(
      `insert into paystack_webhook_events (event_id, event_type, received_at) values ($1, $2, $3)
       on conflict (event_id) do nothing returning event_id`,
      [eventId, event.event, now],
    );
    if (inserted.length === 0) return { duplicate: true, result: null };
    if (!command) return { duplicate: false, result: null };
    const result = await record(content, command.userId, command, metadata, manager);
    return { duplicate: false, result };
  });
  if (command) {
    const after = outcome.result?.state ?? (await subscriptionStateOf(content, command.userId));
    if (!outcome.duplicate)
      await afterPaystackEvent(content, command, outcome.result?.events ?? [], {
        before: before?.subscriptionCode ?? null,
        after: after.subscriptionCode,
        status: after.status,
      });
    // also on a duplicate: Paystack redelivers when our answer was lost, and the timer may be what failed
    if (after.status !== 'free') await scheduleSubscriptionTimer(content, command.userId);
  }
  content.logger.info(
    { eventId, event: event.event, duplicate: outcome.duplicate, applied: !!command },
    'paystack webhook',
  );
  return { received: true, duplicate: outcome.duplicate };
}

async function commandOf(
  content: Content,
  event: PaystackEvent,
  now: string,
): Promise<SubscriptionCommand | null> {
  const d = event.data;
  switch (event.event) {
    case 'charge.success': {
      if (!d.reference) return null;
      const checkoutUser = await userOfReference(content, d.reference);
      if (checkoutUser) {
        // the webhook says it was paid; Paystack's verify endpoint says so too before the plan applies
        const verified = await paymentsOf(content).verifyTransaction(d.reference);
        if (verified.status !== 'success' || verified.currency !== CURRENCY)
          throw billingErrors.validationError(
            `transaction ${d.reference} is ${verified.status} in ${verified.currency}`,
            {
              reason: 'PAYMENT_NOT_VERIFIED',
            },
          );
        return {
          type: 'ActivateSubscription',
          userId: checkoutUser,
          reference: d.reference,
          customerCode: verified.customerCode ?? d.customer?.customer_code ?? null,
          amountCents: verified.amountMinor,
          paidAt: new Date(verified.paidAt ?? d.paid_at ?? now).toISOString(),
        };
      }
      // a renewal of a subscription: it may end a past_due grace period
      const renewingUser = await userOfCustomer(content, d.customer);
      return renewingUser
        ? { type: 'RecordRenewalCharge', userId: renewingUser, reference: d.reference, now }
        : null;
    }
    case 'subscription.create': {
      if (!d.subscription_code) return null;
      const userId = await userOfCustomer(content, d.customer);
      if (!userId) return null;
      return {
        type: 'LinkPaystackSubscription',
        userId,
        subscriptionCode: d.subscription_code,
        plan: tierOfPaystackPlan(d.plan),
        nextPaymentDate: d.next_payment_date ? new Date(d.next_payment_date).toISOString() : null,
        now,
      };
    }
    case 'subscription.disable':
    case 'subscription.not_renew': {
      if (!d.subscription_code) return null;
      const userId = await userOfSubscriptionCode(content, d.subscription_code);
      if (!userId) return null;
      const state = await subscriptionStateOf(content, userId);
      // our own disabling (a cancel, or the old plan of a downgrade or upgrade) is already recorded
      if (state.subscriptionCode !== d.subscription_code || state.pendingPlan) return null;
      // a downgrade's disabling, arriving after the downgrade was withdrawn and the subscription enabled again
      if (
        content.payments &&
        (await content.payments.fetchSubscription(d.subscription_code)).status === 'active'
      )
        return null;
      return { type: 'CancelSubscription', userId, by: 'paystack', now };
    }
    case 'invoice.payment_failed': {
      const code = d.subscription?.subscription_code ?? null;
      const userId =
        (code && (await userOfSubscriptionCode(content, code))) ||
        (await userOfCustomer(content, d.customer));
      return userId ? { type: 'RecordPaymentFailed', userId, subscriptionCode: code, now } : null;
    }
    default:
      return null; // acknowledged: Paystack sends more events than billing needs
  }
}

/** Paystack-side consequences of a change, once it is recorded. */
async function afterPaystackEvent(
  content: Content,
  command: SubscriptionCommand,
  events: readonly { type: string; data: unknown }[],
  codes: { before: string | null; after: string | null; status: string },
): Promise<void> {
  for (const event of events) {
    // an upgrade: the old plan's Paystack subscription stops; the new plan's replaces it
    if (
      event.type === 'SubscriptionActivated' &&
      (event.data as { previousPlan: string }).previousPlan !== 'free'
    )
      await disablePaystackSubscription(content, codes.before);
    // cancelled before Paystack had created it: it must not renew
    if (
      event.type === 'PaystackSubscriptionLinked' &&
      command.type === 'LinkPaystackSubscription' &&
      codes.status === 'cancelled'
    )
      await disablePaystackSubscription(content, codes.after);
  }
}

// ---- the durable timer's activities ---------------------------------------------------------------

export async function nextSubscriptionTimer(content: Content, userId: string): Promise<SubscriptionTimer> {
  return timerOf(await subscriptionStateOf(content, userId));
}

/**
 * The timer reached `timer.at`: the cycle ends (a new one starts, with a scheduled downgrade; or a
 * cancelled plan ends: free) or a past_due grace ends (free). Idempotent: a timer already handled
 * finds nothing to do.
 */
export async function closeSubscriptionPeriod(
  content: Content,
  userId: string,
  timer: NonNullable<SubscriptionTimer>,
): Promise<string[]> {
  const { events } = await record(
    content,
    userId,
    { type: 'ClosePeriod', userId, kind: timer.kind, at: timer.at },
    { actor: 'workflow:subscription_lifecycle', correlationId: subscriptionLifecycleWorkflowId(userId) },
  );
  // from the state, not from the events just appended: a retried activity finds no new events
  // but still owes Paystack what the state says
  await reconcilePaystack(content, userId);
  return events.map((e) => e.type);
}

/**
 * Brings Paystack in line with the subscription after its timer moved it. Ended (free): the last
 * Paystack subscription must not renew (a failed payment's, still active there). A downgrade
 * applied: the lower plan's Paystack subscription is created on the customer's saved card and
 * linked at once. Idempotent: what Paystack already says is not redone.
 */
export async function reconcilePaystack(content: Content, userId: string): Promise<void> {
  const state = await subscriptionStateOf(content, userId);
  if (!content.payments) return;
  if (state.status === 'free' || state.status === 'cancelled') {
    await disablePaystackSubscription(content, state.subscriptionCode);
    return;
  }
  if (
    state.status !== 'active' ||
    state.subscriptionCodePlan === null ||
    state.subscriptionCodePlan === state.plan
  )
    return;
  const plan = state.plan as PaidTier;
  if (!state.customerCode) {
    content.logger.warn(
      { userId },
      'a downgrade applied without a Paystack customer: nothing will be charged',
    );
    return;
  }
  const planCode = await content.payments.ensurePlan({
    name: paystackPlanName(plan),
    amountMinor: planOf(plan).priceCents,
    currency: CURRENCY,
  });
  const created = await content.payments.createSubscription({ customer: state.customerCode, planCode });
  await record(
    content,
    userId,
    {
      type: 'LinkPaystackSubscription',
      userId,
      subscriptionCode: created.subscriptionCode,
      plan,
      nextPaymentDate: null,
      now: content.now().toISOString(),
    },
    { actor: 'workflow:subscription_lifecycle', correlationId: subscriptionLifecycleWorkflowId(userId) },
  );
}
