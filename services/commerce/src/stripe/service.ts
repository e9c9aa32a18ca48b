import { randomUUID } from 'node:crypto';
import {
  anonymous,
  eventMetadataOf,
  forbidden,
  handle,
  validationError,
  type RequestOrigin,
} from '@seren/service-kit';
import Stripe from 'stripe';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { accounts, postEntry, requestHashOf, withIdempotency } from '../ledger/index.js';
import { callerOrganization } from '../plans/access.js';
import { RECOVERY_REQUIRED_MESSAGE } from '../wallet/decide.js';
import { hasRecovery } from '../wallet/recovery.js';
import { collectShortfall } from '../wallet/shortfall.js';
import {
  checkDepositAmount,
  decideDeposit,
  depositDecider,
  USDC_PER_CENT,
  type DepositCommand,
} from './decide.js';
import { depositStream, evolveDeposit, initialDepositState, type DepositEvent } from './deposit.js';
import { depositOfPaymentIntent, findDeposit, type DepositView } from './queries.js';

export { USDC_PER_CENT } from './decide.js';

/** What `POST /wallet/deposit` answers: the PaymentIntent's client secret is for the client to confirm it. */
export interface DepositCreated {
  depositId: string;
  paymentIntentId: string;
  clientSecret: string | null;
  amountCents: number;
  currency: 'usd';
  status: 'pending';
  createdAt: string;
}

/**
 * Starts a deposit: a PaymentIntent for the amount, and a pending deposit. Nothing is credited here;
 * the signed webhook reporting `payment_intent.succeeded` does that. With an idempotency key the
 * same request answers the first result again (the ledger's `withIdempotency`), and Stripe gets a
 * key derived from it, so a retry after a crash between Stripe and our commit reuses the same
 * PaymentIntent instead of making a second one.
 */
export async function createDeposit(
  commerce: Commerce,
  request: RequestOrigin,
  input: { amountCents: number; referralCode?: string | null },
  idempotencyKey?: string | null,
): Promise<DepositCreated> {
  const { organizationId, subject } = callerOrganization(request);
  const amountCents = checkDepositAmount(input.amountCents);
  const referralCode = input.referralCode?.trim() || null;
  return withIdempotency(
    commerce,
    {
      scope: `POST /wallet/deposit:${organizationId}`,
      key: idempotencyKey,
      requestHash: requestHashOf({ amountCents, referralCode }),
    },
    async (tx) => {
      // the spec's 403: money goes into a wallet only once its key can be recovered
      if (!(await hasRecovery(tx, subject)))
        throw forbidden(RECOVERY_REQUIRED_MESSAGE, { reason: 'RECOVERY_REQUIRED' });
      const depositId = randomUUID();
      const intent = await stripeCall(() =>
        commerce.stripe.client.paymentIntents.create(
          {
            amount: amountCents,
            currency: 'usd',
            automatic_payment_methods: { enabled: true },
            description: 'SerenAI wallet deposit',
            metadata: {
              purpose: 'wallet_deposit',
              deposit_id: depositId,
              organization_id: organizationId,
              ...(referralCode ? { referral_code: referralCode } : {}),
            },
          },
          { idempotencyKey: idempotencyKey ? `deposit:${organizationId}:${idempotencyKey}` : depositId },
        ),
      );
      const now = commerce.now().toISOString();
      await handle(
        commerce,
        tx,
        depositStream(depositId),
        depositDecider,
        {
          type: 'CreateDeposit',
          depositId,
          organizationId,
          requestedBy: subject,
          paymentIntentId: intent.id,
          amountCents,
          referralCode,
          now,
        },
        eventMetadataOf(request, { organizationId }),
      );
      return {
        depositId,
        paymentIntentId: intent.id,
        clientSecret: intent.client_secret,
        amountCents,
        currency: 'usd' as const,
        status: 'pending' as const,
        createdAt: now,
      };
    },
  );
}

/** A request Stripe refuses (a bad parameter) is the client's 400; anything else stays a 500. */
export async function stripeCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (
      error instanceof Stripe.errors.StripeInvalidRequestError ||
      error instanceof Stripe.errors.StripeCardError
    )
      throw validationError(error.message, {
        reason: 'STRIPE_REQUEST_REFUSED',
        ...(error.param ? { field: error.param } : {}),
      });
    throw error;
  }
}

export interface WebhookOutcome {
  received: true;
  /** the event id was processed before: nothing happened this time */
  duplicate: boolean;
}

/**
 * `POST /webhooks/stripe`: verifies the signature over the raw body (400 when it does not match or
 * is too old), then applies the event once per event id: the id is stored in the same transaction as
 * the effects, so a redelivery (Stripe retries until it sees a 2xx) changes nothing.
 */
export async function handleStripeWebhook(
  commerce: Commerce,
  rawBody: Buffer | string,
  signature: string | undefined,
  origin: Omit<RequestOrigin, 'caller'> = {},
): Promise<WebhookOutcome> {
  let event: Stripe.Event;
  try {
    event = commerce.stripe.client.webhooks.constructEvent(
      rawBody,
      signature ?? '',
      commerce.stripe.webhookSecret,
    );
  } catch (error) {
    if (error instanceof Stripe.errors.StripeSignatureVerificationError || !signature)
      throw validationError('Invalid webhook signature', { reason: 'INVALID_SIGNATURE' });
    // a signed body that is not an event
    throw validationError('Invalid webhook payload', { reason: 'INVALID_PAYLOAD' });
  }
  const request: RequestOrigin = { ...origin, caller: anonymous };
  return commerce.dataSource.transaction(async (tx) => {
    const first: unknown[] = await tx.query(
      `insert into stripe_webhook_events (event_id, type) values ($1, $2) on conflict do nothing returning 1`,
      [event.id, event.type],
    );
    if (first.length === 0) return { received: true as const, duplicate: true };
    switch (event.type) {
      case 'payment_intent.succeeded':
        await depositSucceeded(commerce, tx, request, event.id, event.data.object);
        break;
      case 'payment_intent.payment_failed':
      case 'payment_intent.canceled':
        await depositFailed(commerce, tx, request, event.id, event.data.object, event.type);
        break;
      case 'charge.refunded': {
        const charge = event.data.object;
        await depositReversed(commerce, tx, request, event.id, idOf(charge.payment_intent), {
          reason: 'refund',
          chargeId: charge.id,
          refundedTotalCents: charge.amount_refunded,
        });
        break;
      }
      case 'charge.dispute.funds_reinstated':
      case 'charge.dispute.closed': {
        // a won dispute gives its funds back (Stripe sends both events; the second finds it done)
        const dispute = event.data.object;
        if (event.type === 'charge.dispute.closed' && dispute.status !== 'won') break;
        await disputeReinstated(
          commerce,
          tx,
          request,
          event.id,
          idOf(dispute.payment_intent) ?? (await paymentIntentOfCharge(commerce, idOf(dispute.charge))),
          dispute.id,
        );
        break;
      }
      case 'charge.dispute.created': {
        const dispute = event.data.object;
        await depositReversed(
          commerce,
          tx,
          request,
          event.id,
          idOf(dispute.payment_intent) ?? (await paymentIntentOfCharge(commerce, idOf(dispute.charge))),
          { reason: 'dispute', disputeId: dispute.id, amountCents: dispute.amount },
        );
        break;
      }
      default:
        // other events are acknowledged (Stripe stops resending) and recorded, nothing more
        break;
    }
    return { received: true as const, duplicate: false };
  });
}

/** Our deposit for a PaymentIntent: by the deposit id we put in its metadata, else by its id. */
async function depositOfIntent(
  commerce: Commerce,
  tx: EntityManager,
  intent: Stripe.PaymentIntent,
): Promise<DepositView | undefined> {
  const depositId = intent.metadata?.deposit_id;
  const byMetadata = depositId ? await findDeposit(commerce, depositId, tx) : undefined;
  if (byMetadata && byMetadata.paymentIntentId === intent.id) return byMetadata;
  return depositOfPaymentIntent(tx, intent.id);
}

async function lockedDepositState(commerce: Commerce, tx: EntityManager, depositId: string) {
  // one webhook at a time per deposit: two events for the same payment (Stripe sends both
  // payment_intent.succeeded and, say, charge events; or a redelivery under another id) queue here
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 17))`, [`stripe-deposit:${depositId}`]);
  const { events } = await commerce.store.readStream<DepositEvent>(depositStream(depositId), { manager: tx });
  return events.reduce(evolveDeposit, initialDepositState());
}

async function depositSucceeded(
  commerce: Commerce,
  tx: EntityManager,
  request: RequestOrigin,
  stripeEventId: string,
  intent: Stripe.PaymentIntent,
): Promise<void> {
  const deposit = await depositOfIntent(commerce, tx, intent);
  if (!deposit) {
    // plan prorations and anything not a deposit of ours
    commerce.logger.info(
      { paymentIntentId: intent.id, stripeEventId },
      'payment_intent.succeeded for no deposit',
    );
    return;
  }
  const state = await lockedDepositState(commerce, tx, deposit.id);
  if (state.status !== 'pending') return;
  if (intent.currency !== 'usd') {
    commerce.logger.error(
      { depositId: deposit.id, currency: intent.currency },
      'deposit paid in another currency',
    );
    return;
  }
  const received = intent.amount_received;
  const credited = BigInt(received) * USDC_PER_CENT;
  const now = commerce.now();
  const { entryId } = await postEntry(tx, {
    kind: 'deposit_stripe',
    reference: deposit.id,
    organizationId: deposit.organizationId,
    lines: [
      { account: accounts.agentFunded(deposit.organizationId, 'USDC'), asset: 'USDC', amount: credited },
      { account: accounts.system('stripe_clearing', 'USDC'), asset: 'USDC', amount: -credited },
    ],
    metadata: {
      payment_intent_id: intent.id,
      stripe_event_id: stripeEventId,
      amount_cents: String(received),
    },
    at: now,
  });
  await collectShortfall(tx, {
    organizationId: deposit.organizationId,
    credited,
    reference: deposit.id,
    metadata: { payment_intent_id: deposit.paymentIntentId, stripe_event_id: stripeEventId },
    at: now,
  });
  await handle(
    commerce,
    tx,
    depositStream(deposit.id),
    depositDecider,
    {
      type: 'RecordDepositSucceeded',
      amountReceivedCents: received,
      stripeEventId,
      entryId,
      now: now.toISOString(),
    },
    eventMetadataOf(request, { actor: 'stripe', organizationId: deposit.organizationId }),
  );
}

const idOf = (value: string | { id: string } | null | undefined) =>
  typeof value === 'string' ? value : (value?.id ?? undefined);

/** A dispute of an API version without `payment_intent`: its charge, asked of Stripe, names it. */
async function paymentIntentOfCharge(commerce: Commerce, chargeId: string | undefined) {
  if (!chargeId) return undefined;
  return idOf((await commerce.stripe.client.charges.retrieve(chargeId)).payment_intent);
}

/**
 * Stripe took money of a deposit back (`charge.refunded`, `charge.dispute.created`): one journal
 * entry, kind `stripe_refund` (reference `<deposit>:refund:<running amount refunded>`) or
 * `stripe_dispute` (reference the dispute id), and StripeDepositReversed, under the deposit's lock.
 * The money leaves the funded balance as far as it still holds it, never below zero (an agent
 * account has no overdraft); what it already spent is the shortfall, posted to
 * `system:stripe_losses` (the platform's loss until the organization's next deposit, by card or
 * x402, pays it back: wallet/shortfall.ts, collectShortfall).
 * The clearing account gets the whole amount back: it mirrors what Stripe holds for us.
 */
async function depositReversed(
  commerce: Commerce,
  tx: EntityManager,
  request: RequestOrigin,
  stripeEventId: string,
  paymentIntentId: string | undefined,
  reversal: Extract<DepositCommand, { type: 'RecordDepositReversed' }>['reversal'],
): Promise<void> {
  const deposit = paymentIntentId ? await depositOfPaymentIntent(tx, paymentIntentId) : undefined;
  if (!deposit) {
    commerce.logger.info({ paymentIntentId, stripeEventId }, `${reversal.reason} of no deposit`);
    return;
  }
  const { stream, version, state } = await lockedDepositStream(commerce, tx, deposit.id);
  const funded = accounts.agentFunded(deposit.organizationId, 'USDC');
  // the funded balance under its row lock: a charge cannot spend it between this read and the debit
  const [row] = (await tx.query(
    `select balance::text from ledger_balances where account = $1 and shard = 0 for update`,
    [funded],
  )) as { balance: string }[];
  const entryId = randomUUID();
  const now = commerce.now();
  const decided = decideDeposit(
    {
      type: 'RecordDepositReversed',
      reversal,
      fundedAtomic: BigInt(row?.balance ?? '0'),
      stripeEventId,
      entryId,
      now: now.toISOString(),
    },
    state,
  );
  const reversed = decided.find((event) => event.type === 'StripeDepositReversed');
  if (!reversed) return;
  const d = reversed.data;
  const debited = BigInt(d.debitedAtomic);
  const shortfall = BigInt(d.shortfallAtomic);
  await postEntry(tx, {
    entryId,
    kind: d.reason === 'refund' ? 'stripe_refund' : 'stripe_dispute',
    reference:
      reversal.reason === 'refund'
        ? `${deposit.id}:refund:${state.status === 'none' ? 0 : state.refundedCents + d.amountCents}`
        : reversal.disputeId,
    organizationId: deposit.organizationId,
    lines: [
      ...(debited > 0n ? [{ account: funded, asset: 'USDC' as const, amount: -debited }] : []),
      ...(shortfall > 0n
        ? [{ account: accounts.system('stripe_losses', 'USDC'), asset: 'USDC' as const, amount: -shortfall }]
        : []),
      {
        account: accounts.system('stripe_clearing', 'USDC'),
        asset: 'USDC' as const,
        amount: debited + shortfall,
      },
    ],
    metadata: {
      payment_intent_id: deposit.paymentIntentId,
      stripe_event_id: stripeEventId,
      stripe_object_id: d.stripeObjectId,
      amount_cents: String(d.amountCents),
      shortfall_atomic: d.shortfallAtomic,
    },
    at: now,
  });
  await commerce.store.append(stream, depositDecider.streamType, decided, {
    manager: tx,
    expectedVersion: version,
    metadata: eventMetadataOf(request, { actor: 'stripe', organizationId: deposit.organizationId }),
  });
}

/** The deposit's stream under the deposit's lock (as lockedDepositState), with its version for the append. */
async function lockedDepositStream(commerce: Commerce, tx: EntityManager, depositId: string) {
  await tx.query(`select pg_advisory_xact_lock(hashtextextended($1, 17))`, [`stripe-deposit:${depositId}`]);
  const stream = depositStream(depositId);
  const { version, events } = await commerce.store.readStream<DepositEvent>(stream, { manager: tx });
  return { stream, version, state: events.reduce(evolveDeposit, initialDepositState()) };
}

/**
 * A won dispute (`charge.dispute.closed` with status `won`, or `charge.dispute.funds_reinstated`):
 * what the dispute took is given back as it was taken, once (kind `stripe_dispute_reinstated`,
 * reference the dispute id): the debited part to the funded balance, the shortfall off
 * `system:stripe_losses`, the whole amount out of the clearing account again.
 */
async function disputeReinstated(
  commerce: Commerce,
  tx: EntityManager,
  request: RequestOrigin,
  stripeEventId: string,
  paymentIntentId: string | undefined,
  disputeId: string,
): Promise<void> {
  const deposit = paymentIntentId ? await depositOfPaymentIntent(tx, paymentIntentId) : undefined;
  if (!deposit) return;
  const { stream, version, state } = await lockedDepositStream(commerce, tx, deposit.id);
  const entryId = randomUUID();
  const now = commerce.now();
  const decided = decideDeposit(
    { type: 'RecordDisputeReinstated', disputeId, stripeEventId, entryId, now: now.toISOString() },
    state,
  );
  const reinstated = decided.find((event) => event.type === 'StripeDepositReinstated');
  if (!reinstated) return;
  const credited = BigInt(reinstated.data.creditedAtomic);
  const recovered = BigInt(reinstated.data.lossRecoveredAtomic);
  await postEntry(tx, {
    entryId,
    kind: 'stripe_dispute_reinstated',
    reference: disputeId,
    organizationId: deposit.organizationId,
    lines: [
      ...(credited > 0n
        ? [
            {
              account: accounts.agentFunded(deposit.organizationId, 'USDC'),
              asset: 'USDC' as const,
              amount: credited,
            },
          ]
        : []),
      ...(recovered > 0n
        ? [{ account: accounts.system('stripe_losses', 'USDC'), asset: 'USDC' as const, amount: recovered }]
        : []),
      {
        account: accounts.system('stripe_clearing', 'USDC'),
        asset: 'USDC' as const,
        amount: -(credited + recovered),
      },
    ],
    metadata: {
      payment_intent_id: deposit.paymentIntentId,
      stripe_event_id: stripeEventId,
      stripe_object_id: disputeId,
      amount_cents: String(reinstated.data.amountCents),
    },
    at: now,
  });
  await commerce.store.append(stream, depositDecider.streamType, decided, {
    manager: tx,
    expectedVersion: version,
    metadata: eventMetadataOf(request, { actor: 'stripe', organizationId: deposit.organizationId }),
  });
}

async function depositFailed(
  commerce: Commerce,
  tx: EntityManager,
  request: RequestOrigin,
  stripeEventId: string,
  intent: Stripe.PaymentIntent,
  type: 'payment_intent.payment_failed' | 'payment_intent.canceled',
): Promise<void> {
  const deposit = await depositOfIntent(commerce, tx, intent);
  if (!deposit) return;
  const state = await lockedDepositState(commerce, tx, deposit.id);
  if (state.status !== 'pending') return;
  await handle(
    commerce,
    tx,
    depositStream(deposit.id),
    depositDecider,
    {
      type: 'RecordDepositFailed',
      status: type === 'payment_intent.canceled' ? 'canceled' : 'failed',
      reason: intent.last_payment_error?.message ?? intent.cancellation_reason ?? null,
      stripeEventId,
      now: commerce.now().toISOString(),
    },
    eventMetadataOf(request, { actor: 'stripe', organizationId: deposit.organizationId }),
  );
}
