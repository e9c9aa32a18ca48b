import { randomBytes, randomUUID } from 'node:crypto';
import { checkOutboundUrl, OutboundRefused, parseOutboundUrl } from '@seren/outbound';
import { eventMetadataOf, handle, transaction, type RequestOrigin } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { checkContact } from '../contact-refs.js';
import { brandedBaseUrl } from '../domains/queries.js';
import { locationOf } from '../locations.js';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  connectionErrors,
  paymentConnectionDecider,
  paymentConnectionStream,
  type ModeKeys,
  type PaymentConnectionCommand,
  type PaymentMode,
} from './connection.js';
import { checkIntent, paymentDecider, paymentErrors, type PaymentCommand } from './decide.js';
import { idOfKey, withIdempotency } from './idempotency.js';
import { paymentStream, type PaymentProvider } from './payment.js';
import { providerClientOf, type ProviderClient } from './providers.js';
import {
  connectionOf,
  connectionsOf,
  findPayment,
  listPayments as readPayments,
  type PaymentConnectionView,
  type PaymentFilter,
  type PaymentView,
} from './queries.js';
import { applyFinding } from './reconcile.js';
import { ensureReconcileSchedule, removeReconcileSchedule } from './schedules.js';
import { openProviderKeys, storeProviderKeys } from './secrets.js';

// ---- URLs --------------------------------------------------------------------------------------

/**
 * The base of every URL payments make for a location (provider webhook URLs, relative return
 * URLs): its verified branded domain, else its agency's, else SEREBRO_PUBLIC_URL (domains/).
 */
export function paymentsBaseUrl(crm: Crm, locationId: string): Promise<string> {
  return brandedBaseUrl(crm, locationId);
}

/** The URL a provider posts its events to, on v2 (the gateway forwards it to the crm's internal route). */
export async function webhookUrlOf(
  crm: Crm,
  connection: Pick<PaymentConnectionView, 'id' | 'locationId' | 'provider'>,
) {
  const base = await paymentsBaseUrl(crm, connection.locationId);
  const kind = connection.provider === 'stripe' ? 'stripe' : 'custom-provider';
  return `${base}/v2/payments/${kind}/webhook/${connection.id}`;
}

// ---- connections -------------------------------------------------------------------------------

export interface PaymentConnectionAnswer extends PaymentConnectionView {
  webhookUrl: string;
  /** custom provider: the signing secret of each mode set now, shown this once (`whsec_…`) */
  webhookSecrets?: Partial<Record<PaymentMode, string>>;
}

const answerOf = async (crm: Crm, connection: PaymentConnectionView): Promise<PaymentConnectionAnswer> => ({
  ...connection,
  webhookUrl: await webhookUrlOf(crm, connection),
});

function handleConnection(
  crm: Crm,
  manager: Parameters<typeof handle>[1],
  request: RequestOrigin,
  connectionId: string,
  command: PaymentConnectionCommand,
) {
  return handle(
    crm,
    manager,
    paymentConnectionStream(connectionId),
    paymentConnectionDecider,
    command,
    eventMetadataOf(request),
  );
}

async function liveConnection(
  crm: Crm,
  locationId: string,
  provider: PaymentProvider,
): Promise<PaymentConnectionView> {
  const connection = await connectionOf(crm, locationId, provider);
  if (!connection)
    throw connectionErrors.notFound(provider === 'stripe' ? 'Stripe connection' : 'custom provider');
  return connection;
}

const text = (value: string | null | undefined) => value?.trim() || null;

/** `called`: a URL Serebro calls (checked against the outbound policy now, and again at each call); else a page for browsers */
async function checkUrl(
  crm: Crm,
  value: string | null | undefined,
  field: string,
  problems: FieldProblem[],
  options: { required: boolean; called: boolean },
) {
  if (!value) {
    if (options.required) problems.push({ field, message: 'is required' });
    return null;
  }
  try {
    if (options.called) await checkOutboundUrl(value, crm.settings.outbound, { field });
    else parseOutboundUrl(value, { field, protocols: ['https:', 'http:'] });
  } catch (error) {
    if (error instanceof OutboundRefused) problems.push({ field, message: error.message });
    else throw error;
  }
  return value;
}

/** Stores one mode's keys in the credential store and records them on the connection (in `manager`'s transaction). */
async function changeKeys(
  crm: Crm,
  manager: Parameters<typeof handle>[1] & object,
  request: RequestOrigin,
  connection: Pick<PaymentConnectionView, 'id' | 'locationId' | 'provider'> & {
    keys?: PaymentConnectionView['keys'];
  },
  mode: PaymentMode,
  keys: Record<string, string>,
) {
  const stored: ModeKeys = await storeProviderKeys(
    crm,
    request,
    connection,
    mode,
    keys,
    connection.keys?.[mode],
  );
  await handleConnection(crm, manager, request, connection.id, {
    type: 'ChangePaymentConnectionKeys',
    locationId: connection.locationId,
    mode,
    keys: stored,
    now: crm.now().toISOString(),
  });
}

export interface ModeInput {
  [name: string]: string | null | undefined;
}

function keysOf(
  input: ModeInput | null | undefined,
  mode: PaymentMode,
  names: { required: string[]; optional: string[] },
  problems: FieldProblem[],
) {
  if (!input) return undefined;
  const keys: Record<string, string> = {};
  for (const name of [...names.required, ...names.optional]) {
    const value = input[name]?.trim();
    if (!value) {
      if (names.required.includes(name)) problems.push({ field: `${mode}.${name}`, message: 'is required' });
    } else if (value.length > 500)
      problems.push({ field: `${mode}.${name}`, message: 'must be at most 500 characters' });
    else keys[name] = value;
  }
  return keys;
}

/**
 * Connects the location's Stripe account (or replaces its keys): per mode the secret key, the
 * publishable key, and the signing secret of the webhook endpoint the location made in Stripe's
 * dashboard for `webhookUrl`. The first connection starts its reconciliation schedule.
 */
export async function connectStripe(
  crm: Crm,
  request: RequestOrigin,
  input: { test?: ModeInput | null; live?: ModeInput | null },
): Promise<PaymentConnectionAnswer> {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const names = { required: ['secretKey', 'webhookSecret'], optional: ['publishableKey'] };
  const modes = {
    test: keysOf(input.test, 'test', names, problems),
    live: keysOf(input.live, 'live', names, problems),
  };
  if (!modes.test && !modes.live)
    problems.push({ field: 'test', message: 'give the keys of test, live or both' });
  for (const mode of ['test', 'live'] as const) {
    const secret = modes[mode]?.secretKey;
    if (
      secret &&
      !secret.startsWith(mode === 'test' ? 'sk_test_' : 'sk_live_') &&
      !secret.startsWith(mode === 'test' ? 'rk_test_' : 'rk_live_')
    )
      problems.push({
        field: `${mode}.secretKey`,
        message: `must be a Stripe ${mode}-mode secret or restricted key (sk_${mode}_…)`,
      });
  }
  if (problems.length > 0) throw invalidFields(problems);
  const existing = await connectionOf(crm, locationId, 'stripe');
  const connectionId = existing?.id ?? randomUUID();
  await transaction(crm, async (manager) => {
    if (!existing)
      await handleConnection(crm, manager, request, connectionId, {
        type: 'CreatePaymentConnection',
        connectionId,
        locationId,
        provider: 'stripe',
        name: 'Stripe',
        description: null,
        paymentsUrl: null,
        queryUrl: null,
        imageUrl: null,
        now: crm.now().toISOString(),
      });
    for (const mode of ['test', 'live'] as const) {
      const keys = modes[mode];
      if (keys)
        await changeKeys(
          crm,
          manager,
          request,
          { id: connectionId, locationId, provider: 'stripe', keys: existing?.keys },
          mode,
          keys,
        );
    }
  });
  if (!existing) await ensureReconcileSchedule(crm, connectionId);
  return answerOf(crm, await liveConnection(crm, locationId, 'stripe'));
}

export interface CustomProviderInput {
  name: string;
  description?: string | null;
  paymentsUrl: string;
  queryUrl: string;
  imageUrl?: string | null;
}

/**
 * HighLevel's "create a custom provider integration": the location's processor, its payment page
 * (`paymentsUrl`) and the endpoint Serebro calls (`queryUrl`). One per location (409 while one is
 * connected); its keys come with `connectCustomProvider`.
 */
export async function createCustomProvider(
  crm: Crm,
  request: RequestOrigin,
  input: CustomProviderInput,
): Promise<PaymentConnectionAnswer> {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const name = text(input.name);
  if (!name || name.length > 200) problems.push({ field: 'name', message: 'must be 1-200 characters' });
  const description = text(input.description);
  if (description && description.length > 1000)
    problems.push({ field: 'description', message: 'must be at most 1000 characters' });
  const queryUrl = await checkUrl(crm, input.queryUrl, 'queryUrl', problems, {
    required: true,
    called: true,
  });
  const paymentsUrl = await checkUrl(crm, input.paymentsUrl, 'paymentsUrl', problems, {
    required: true,
    called: false,
  });
  const imageUrl = await checkUrl(crm, text(input.imageUrl), 'imageUrl', problems, {
    required: false,
    called: false,
  });
  if (problems.length > 0) throw invalidFields(problems);
  if (await connectionOf(crm, locationId, 'custom'))
    throw connectionErrors.conflict('the location already has a custom provider; delete it first', {
      reason: 'PAYMENT_CONNECTION_EXISTS',
    });
  const connectionId = randomUUID();
  try {
    await transaction(crm, (manager) =>
      handleConnection(crm, manager, request, connectionId, {
        type: 'CreatePaymentConnection',
        connectionId,
        locationId,
        provider: 'custom',
        name: name!,
        description,
        paymentsUrl,
        queryUrl,
        imageUrl,
        now: crm.now().toISOString(),
      }),
    );
  } catch (error) {
    // a concurrent create lost the race at the unique index of live connections
    if ((error as { driverError?: { code?: string } }).driverError?.code === '23505')
      throw connectionErrors.conflict('the location already has a custom provider; delete it first', {
        reason: 'PAYMENT_CONNECTION_EXISTS',
      });
    throw error;
  }
  await ensureReconcileSchedule(crm, connectionId);
  return answerOf(crm, await liveConnection(crm, locationId, 'custom'));
}

/**
 * HighLevel's "connect" of a custom provider: each mode's `apiKey` (what Serebro sends the
 * provider) and `publishableKey`. Serebro answers a fresh webhook signing secret per mode set,
 * shown this once: the provider signs its webhooks to `webhookUrl` with it.
 */
export async function connectCustomProvider(
  crm: Crm,
  request: RequestOrigin,
  input: { test?: ModeInput | null; live?: ModeInput | null },
): Promise<PaymentConnectionAnswer> {
  const locationId = locationOf(request);
  const connection = await liveConnection(crm, locationId, 'custom');
  const problems: FieldProblem[] = [];
  const names = { required: ['apiKey'], optional: ['publishableKey'] };
  const modes = {
    test: keysOf(input.test, 'test', names, problems),
    live: keysOf(input.live, 'live', names, problems),
  };
  if (!modes.test && !modes.live)
    problems.push({ field: 'test', message: 'give the keys of test, live or both' });
  if (problems.length > 0) throw invalidFields(problems);
  const webhookSecrets: Partial<Record<PaymentMode, string>> = {};
  await transaction(crm, async (manager) => {
    for (const mode of ['test', 'live'] as const) {
      const keys = modes[mode];
      if (!keys) continue;
      const webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
      webhookSecrets[mode] = webhookSecret;
      await changeKeys(crm, manager, request, connection, mode, { ...keys, webhookSecret });
    }
  });
  return { ...(await answerOf(crm, await liveConnection(crm, locationId, 'custom'))), webhookSecrets };
}

export async function getPaymentConnection(crm: Crm, request: RequestOrigin, provider: PaymentProvider) {
  return answerOf(crm, await liveConnection(crm, locationOf(request), provider));
}

export async function listPaymentConnections(crm: Crm, request: RequestOrigin) {
  const connections = await connectionsOf(crm, locationOf(request));
  return Promise.all(connections.map((connection) => answerOf(crm, connection)));
}

/** Removes a connection: no new intents; its transactions stay readable; its reconciliation stops. */
export async function disconnectPaymentProvider(
  crm: Crm,
  request: RequestOrigin,
  provider: PaymentProvider,
): Promise<boolean> {
  const locationId = locationOf(request);
  const connection = await liveConnection(crm, locationId, provider);
  await transaction(crm, (manager) =>
    handleConnection(crm, manager, request, connection.id, {
      type: 'DisconnectPaymentConnection',
      locationId,
      now: crm.now().toISOString(),
    }),
  );
  await removeReconcileSchedule(crm, connection.id);
  return true;
}

/** The provider client of a connection in one mode (its keys opened for this call only). */
export async function providerFor(
  crm: Crm,
  connection: PaymentConnectionView,
  liveMode: boolean,
): Promise<ProviderClient> {
  const mode: PaymentMode = liveMode ? 'live' : 'test';
  const keys = connection.keys[mode];
  if (!keys)
    throw paymentErrors.validationError(`the ${connection.provider} connection has no ${mode} keys`, {
      reason: 'PAYMENT_NOT_CONFIRMABLE',
    });
  return providerClientOf(
    crm,
    connection,
    await openProviderKeys(crm, connection.locationId, keys.credentialId),
  );
}

// ---- intents -----------------------------------------------------------------------------------

export interface PaymentAnswer extends PaymentView {
  /** Stripe's client secret (for Stripe.js to confirm in the browser); create's answer only */
  clientSecret?: string | null;
}

function handlePayment(crm: Crm, request: RequestOrigin, paymentId: string, command: PaymentCommand) {
  return handle(crm, undefined, paymentStream(paymentId), paymentDecider, command, eventMetadataOf(request));
}

async function found(crm: Crm, locationId: string, paymentId: string): Promise<PaymentView> {
  const payment = await findPayment(crm, locationId, paymentId);
  if (!payment) throw paymentErrors.notFound('payment');
  return payment;
}

async function connectionOfPayment(crm: Crm, payment: PaymentView): Promise<PaymentConnectionView> {
  const rows = await connectionsOf(crm, payment.locationId);
  const connection = rows.find((row) => row.id === payment.connectionId);
  if (!connection) throw connectionErrors.notFound('payment connection (disconnected)');
  return connection;
}

export interface CreatePaymentIntentInput {
  contactId: string;
  amount: number;
  currency: string;
  description?: string | null;
  metadata?: Record<string, unknown> | null;
  /** `stripe` or `custom`; default: the location's only connection */
  provider?: string | null;
  /** HighLevel's liveMode: live keys when true, test (sandbox) keys otherwise */
  liveMode?: boolean | null;
  opportunityId?: string | null;
  appointmentId?: string | null;
  /** where the provider sends the customer back; a path is resolved against the location's base URL */
  returnUrl?: string | null;
}

async function checkRecord(
  crm: Crm,
  table: 'opportunities' | 'appointments',
  locationId: string,
  id: string | null | undefined,
  field: string,
  problems: FieldProblem[],
) {
  if (!id) return;
  const rows: unknown[] = await crm.dataSource.query(
    `select 1 from ${table} where id = $1 and location_id = $2`,
    [id, locationId],
  );
  if (rows.length === 0)
    problems.push({
      field,
      message: `is not ${table === 'opportunities' ? 'an opportunity' : 'an appointment'} of this location`,
    });
}

async function returnUrlOf(
  crm: Crm,
  locationId: string,
  value: string | null | undefined,
  problems: FieldProblem[],
) {
  if (!value) return null;
  try {
    const url = new URL(value, `${await paymentsBaseUrl(crm, locationId)}/`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('protocol');
    return url.href;
  } catch {
    problems.push({ field: 'returnUrl', message: 'must be an http(s) URL or a path' });
    return null;
  }
}

/**
 * Creates a payment intent at the location's provider for one of its contacts (optionally for an
 * opportunity or appointment): amount in minor units. With an Idempotency-Key the same request
 * answers the first intent again (Stripe's semantics), and the provider gets a key derived from it.
 */
export async function createPaymentIntent(
  crm: Crm,
  request: RequestOrigin,
  input: CreatePaymentIntentInput,
  idempotencyKey?: string | null,
): Promise<PaymentAnswer> {
  const locationId = locationOf(request);
  const scope = `POST /payments/intents:${locationId}`;
  return withIdempotency(crm, { scope, key: idempotencyKey, parameters: input }, async () => {
    const problems: FieldProblem[] = [];
    if (!input.contactId) problems.push({ field: 'contactId', message: 'is required' });
    await Promise.all([
      checkContact(crm, locationId, input.contactId, 'contactId', problems),
      checkRecord(crm, 'opportunities', locationId, input.opportunityId, 'opportunityId', problems),
      checkRecord(crm, 'appointments', locationId, input.appointmentId, 'appointmentId', problems),
    ]);
    const returnUrl = await returnUrlOf(crm, locationId, input.returnUrl, problems);
    const connections = await connectionsOf(crm, locationId);
    const provider = input.provider ?? (connections.length === 1 ? connections[0]!.provider : undefined);
    const connection = connections.find((row) => row.provider === provider);
    if (input.provider && input.provider !== 'stripe' && input.provider !== 'custom')
      problems.push({ field: 'provider', message: 'must be stripe or custom' });
    else if (!connection)
      problems.push({
        field: 'provider',
        message:
          connections.length === 0
            ? 'the location has no payment connection'
            : 'name the provider: stripe or custom',
      });
    const liveMode = input.liveMode ?? false;
    if (connection && !connection.keys[liveMode ? 'live' : 'test'])
      problems.push({
        field: 'liveMode',
        message: `the ${connection.provider} connection has no ${liveMode ? 'live' : 'test'} keys`,
      });
    const intent = checkIntent(input, problems);
    const paymentId = idempotencyKey ? idOfKey(scope, idempotencyKey) : randomUUID();
    const client = await providerFor(crm, connection!, liveMode);
    const created = await client.create({
      paymentId,
      contactId: input.contactId,
      amount: intent.amount,
      currency: intent.currency,
      description: intent.description,
      metadata: intent.metadata,
      returnUrl,
    });
    await handlePayment(crm, request, paymentId, {
      type: 'CreatePaymentIntent',
      paymentId,
      locationId,
      contactId: input.contactId,
      opportunityId: input.opportunityId ?? null,
      appointmentId: input.appointmentId ?? null,
      connectionId: connection!.id,
      provider: connection!.provider,
      liveMode,
      providerPaymentId: created.providerPaymentId,
      intent,
      returnUrl,
      now: crm.now().toISOString(),
    });
    return { ...(await found(crm, locationId, paymentId)), clientSecret: created.clientSecret };
  });
}

/** Decides on the current state first (a refused command never reaches the provider). */
async function precheck(crm: Crm, paymentId: string, command: PaymentCommand) {
  const { events } = await crm.store.readStream(paymentStream(paymentId));
  const state = (events as Parameters<typeof paymentDecider.evolve>[1][]).reduce(
    paymentDecider.evolve,
    paymentDecider.initialState(),
  );
  return paymentDecider.decide(command, state);
}

/**
 * Confirms the intent at the provider (Stripe: with `paymentMethod`, e.g. `pm_card_visa`): the
 * intent is `processing` until the provider's webhook (or the reconciliation) says how it went.
 */
export async function confirmPaymentIntent(
  crm: Crm,
  request: RequestOrigin,
  paymentId: string,
  input: { paymentMethod?: string | null; returnUrl?: string | null },
  idempotencyKey?: string | null,
): Promise<PaymentView> {
  const locationId = locationOf(request);
  const scope = `POST /payments/intents/${paymentId}/confirm:${locationId}`;
  return withIdempotency(crm, { scope, key: idempotencyKey, parameters: input }, async () => {
    const payment = await found(crm, locationId, paymentId);
    const command: PaymentCommand = {
      type: 'ConfirmPaymentIntent',
      locationId,
      now: crm.now().toISOString(),
    };
    if ((await precheck(crm, paymentId, command)).length === 0) return payment;
    const problems: FieldProblem[] = [];
    const returnUrl = (await returnUrlOf(crm, locationId, input.returnUrl, problems)) ?? payment.returnUrl;
    if (problems.length > 0) throw invalidFields(problems);
    const client = await providerFor(crm, await connectionOfPayment(crm, payment), payment.liveMode);
    await client.confirm({
      paymentId,
      attemptId: idempotencyKey ? idOfKey(scope, idempotencyKey) : randomUUID(),
      providerPaymentId: payment.providerPaymentId,
      paymentMethod: input.paymentMethod?.trim() || null,
      returnUrl,
    });
    await handlePayment(crm, request, paymentId, command);
    return found(crm, locationId, paymentId);
  });
}

/** Cancels an intent that has not succeeded, at the provider too (a succeeded one is refunded instead: 409). */
export async function cancelPaymentIntent(
  crm: Crm,
  request: RequestOrigin,
  paymentId: string,
  input: { reason?: string | null },
  idempotencyKey?: string | null,
): Promise<PaymentView> {
  const locationId = locationOf(request);
  const scope = `POST /payments/intents/${paymentId}/cancel:${locationId}`;
  return withIdempotency(crm, { scope, key: idempotencyKey, parameters: input }, async () => {
    const payment = await found(crm, locationId, paymentId);
    const reason = input.reason?.trim().slice(0, 500) || null;
    const command: PaymentCommand = {
      type: 'CancelPaymentIntent',
      locationId,
      reason,
      now: crm.now().toISOString(),
    };
    if ((await precheck(crm, paymentId, command)).length === 0) return payment;
    const client = await providerFor(crm, await connectionOfPayment(crm, payment), payment.liveMode);
    await client.cancel({ paymentId, providerPaymentId: payment.providerPaymentId, reason });
    await handlePayment(crm, request, paymentId, command);
    return found(crm, locationId, paymentId);
  });
}

/**
 * Refunds a succeeded payment, fully (no amount: all that is left) or partly; never more than was
 * captured less what is refunded or being refunded (400). The amount is held first
 * (PaymentRefundRequested, under the stream's version check, so two concurrent refunds cannot both
 * take the same money), then the provider is asked, then PaymentRefunded (or PaymentRefundFailed,
 * which frees the amount). A provider answering "pending" settles by its webhook.
 */
export async function refundPayment(
  crm: Crm,
  request: RequestOrigin,
  paymentId: string,
  input: { amount?: number | null },
  idempotencyKey?: string | null,
): Promise<PaymentView> {
  const locationId = locationOf(request);
  const scope = `POST /payments/intents/${paymentId}/refund:${locationId}`;
  return withIdempotency(crm, { scope, key: idempotencyKey, parameters: input }, async () => {
    const payment = await found(crm, locationId, paymentId);
    const refundId = idempotencyKey ? idOfKey(scope, idempotencyKey) : randomUUID();
    const requested = await handlePayment(crm, request, paymentId, {
      type: 'RequestRefund',
      locationId,
      refundId,
      amount: input.amount ?? undefined,
      now: crm.now().toISOString(),
    });
    if (requested.state.status !== 'created') throw paymentErrors.notFound('payment');
    const amount = requested.state.payment.pendingRefunds[refundId];
    // already settled by an earlier attempt with this key
    if (amount === undefined) return found(crm, locationId, paymentId);
    const client = await providerFor(crm, await connectionOfPayment(crm, payment), payment.liveMode);
    let answer;
    try {
      answer = await client.refund({
        paymentId,
        providerPaymentId: payment.providerPaymentId,
        refundId,
        amount,
      });
    } catch (error) {
      // a refusal frees the held amount; an outage keeps it held, to be settled by a retry with the
      // same key, the provider's webhook or the reconciliation
      if ((error as { code?: string }).code === 'PAYMENT_REQUIRED')
        await handlePayment(crm, request, paymentId, {
          type: 'RecordRefundFailed',
          refundId,
          reason: (error as Error).message,
          now: crm.now().toISOString(),
        });
      throw error;
    }
    if (answer.status === 'succeeded')
      await applyFinding(
        crm,
        payment.connectionId,
        {
          kind: 'refunded',
          eventId: `refund-response:${refundId}`,
          paymentId,
          providerPaymentId: payment.providerPaymentId,
          refundId,
          providerRefundId: answer.providerRefundId,
          amount,
        },
        'provider_response',
        request,
      );
    else if (answer.status === 'failed') {
      await handlePayment(crm, request, paymentId, {
        type: 'RecordRefundFailed',
        refundId,
        reason: answer.message,
        now: crm.now().toISOString(),
      });
      throw paymentErrors.paymentRequired(
        `the provider refused the refund${answer.message ? `: ${answer.message}` : ''}`,
        {
          reason: 'PAYMENT_NOT_REFUNDABLE',
        },
      );
    }
    return found(crm, locationId, paymentId);
  });
}

export function getPayment(crm: Crm, request: RequestOrigin, paymentId: string): Promise<PaymentView> {
  return found(crm, locationOf(request), paymentId);
}

/** HighLevel's List Transactions: newest first, limit/offset, with the total. */
export function listPayments(
  crm: Crm,
  request: RequestOrigin,
  filter: PaymentFilter,
  page: { limit?: number | null; offset?: number | null },
) {
  return readPayments(crm, locationOf(request), filter, page);
}
