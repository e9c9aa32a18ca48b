// A paid call to a publisher: `GET|POST /publishers/{slug}/{path}` and `POST /publishers/{slug}`.
//
//   find the publisher → geo restriction (403) → the agent's calls per minute (429) → price it →
//   pay before the upstream runs: a hold on the caller's wallet, or an x402 payment verified and
//   claimed (402 with the requirements when there is neither) → the upstream (an HTTP API through
//   @seren/outbound, or read-only SQL on the publisher's PostgreSQL) → on 2xx capture the hold /
//   settle the payment on-chain, otherwise release it / leave it unsettled, so a failed call costs
//   nothing → one PublisherCallCompleted, in the transaction that moved the money.
//
// A process that dies between the hold and its settlement leaves a hold the sweep releases once
// it expires (sweep.ts), with its usage event; an x402 claim of a dead call is dropped, never settled.
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { eventMetadataOf, type RequestOrigin } from '@seren/service-kit';
import { domainErrorsOf, httpStatusOf, isDomainError, unauthenticated } from '@seren/service-kit/errors';
import { OutboundRefused, outboundFetch } from '@seren/outbound';
import type { EventData } from '@seren/contracts';
import type { LowBalanceThresholdCrossed, PublisherCallCompleted } from '@seren/contracts';
import type { SettleResponse } from '@x402/core/types';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { startAgentTask } from '../agent-tasks/index.js';
import { agentWallet, captureHold, formatAmount, placeHold } from '../ledger/index.js';
import {
  findPublisherBySlug,
  openPublisherSecrets,
  PRIMARY_ASSET,
  type ProxyPublisher,
  type PublisherPrice,
} from '../publishers/index.js';
import { placeCallHold, settleCallHold, type CallHold } from './call-functions.js';
import { QueryFailed } from './database.js';
import { countCall, GEO_ROUTING_HEADER, geoRefusal, giveFreeCallBack, takeFreeCall } from './limits.js';
import {
  abandonCallPayment,
  bookCallPayment,
  callPaymentRequired,
  claimCallPayment,
  paymentResponseHeader,
  settleCallPayment,
  type ClaimedPayment,
  type PaymentHeaders,
} from './payment.js';
import { priceFromUpstreamAnswer, priceOfCall, priceOfQuery } from './pricing.js';
import { returnedHeaders, upstreamTargetOf, type CallerRequest } from './upstream.js';

const ASSET = 'USDC' as const;

type CallEvent = EventData<typeof PublisherCallCompleted>;

/** What the route answers: status, headers, and a body (a stream from the upstream, or JSON). */
export interface CallAnswer {
  status: number;
  headers: Record<string, string>;
  body?: Readable | Record<string, unknown>;
}

export interface CallInput extends CallerRequest, PaymentHeaders {
  slug: string;
  /** `path`: GET|POST /publishers/{slug}/{path}; `root`: POST /publishers/{slug} */
  target: 'path' | 'root';
  /** the public URL of this call (the x402 payment's resource) */
  resource: string;
  /** the public base of the publisher's paths (`https://api.serendb.com/publishers/<slug>`) */
  publicBase: string;
}

/** SerenAI's error body. */
export const errorAnswer = (
  status: number,
  error: string,
  message: string,
  headers: Record<string, string> = {},
): CallAnswer => ({ status, headers, body: { error, message } });

/** Who called: the organization whose wallet pays, the agent, and the key its calls per minute count under. */
interface Payer {
  organizationId: string | null;
  agentId: string | null;
  rateKey: string;
}

function payerOf(origin: RequestOrigin): Payer {
  const caller = origin.caller;
  const organizationId = caller.kind === 'anonymous' ? null : (caller.organizationId ?? null);
  const agentId = caller.kind === 'anonymous' ? null : (caller.subject ?? null);
  return {
    organizationId,
    agentId,
    rateKey: agentId ?? organizationId ?? `ip:${origin.clientIp ?? 'unknown'}`,
  };
}

/** How a call is being paid for. */
type Payment =
  | { kind: 'free'; /** one of the agent's free_queries_per_day */ daily?: true }
  | { kind: 'wallet'; hold: CallHold }
  | { kind: 'x402'; payment: ClaimedPayment }
  | { kind: 'refused'; answer: CallAnswer };

interface Call {
  callId: string;
  publisher: ProxyPublisher;
  payer: Payer;
  kind: CallEvent['kind'];
  payment: Exclude<Payment, { kind: 'refused' }>;
  origin: RequestOrigin;
  /** the public URL of the call */
  resource: string;
}

export async function callPublisher(
  commerce: Commerce,
  origin: RequestOrigin,
  input: CallInput,
): Promise<CallAnswer> {
  const publisher = await commerce.proxy.publishers.get(`publisher:${input.slug}`, () =>
    findPublisherBySlug(commerce.dataSource.manager, input.slug),
  );
  if (!publisher || publisher.status !== 'active')
    return errorAnswer(404, 'PUBLISHER_NOT_FOUND', 'Publisher not found');
  const geo = geoRefusal(publisher, input.headers, commerce.proxy.region, input.publicBase);
  if (geo) return { status: 403, headers: {}, body: { ...geo } };

  const type = publisher.integrationType;
  if (input.target === 'root') {
    if (type === 'database') return queryDatabase(commerce, origin, publisher, input);
    if (type === 'agent') return startTask(commerce, origin, publisher, input);
    if (type === 'mcp')
      return errorAnswer(
        400,
        'MCP_ROOT_NOT_SUPPORTED',
        `MCP publishers are called at their tool and resource endpoints: ${input.publicBase}/{path}`,
      );
    return proxyHttp(commerce, origin, publisher, input);
  }
  if (type === 'api' || type === 'mcp') return proxyHttp(commerce, origin, publisher, input);
  return errorAnswer(
    404,
    'ENDPOINT_NOT_FOUND',
    type === 'database'
      ? `database publishers take queries at POST ${input.publicBase}`
      : `agent publishers take tasks at POST ${input.publicBase}`,
  );
}

/** Counts the agent's call in its minute when the publisher limits them: the limit and when the window ends once past it. */
async function overRate(
  commerce: Commerce,
  publisher: ProxyPublisher,
  payer: Payer,
): Promise<{ limit: number; retryAfterSeconds: number } | undefined> {
  const limit = priceFor(publisher)?.maxQueriesPerMinute ?? publisher.maxQueriesPerMinute;
  if (limit === null) return undefined;
  const counted = await countCall(
    commerce.dataSource.manager,
    publisher.id,
    payer.rateKey,
    limit,
    commerce.now(),
  );
  return counted.allowed ? undefined : { limit, retryAfterSeconds: counted.retryAfterSeconds };
}

const rateMessage = (limit: number, publisher: ProxyPublisher) =>
  `at most ${limit} calls per minute to ${publisher.slug} per agent`;

/** The agent's calls per minute, when the publisher limits them: 429 with Retry-After past it. */
async function rateRefusal(commerce: Commerce, publisher: ProxyPublisher, payer: Payer) {
  const over = await overRate(commerce, publisher, payer);
  if (!over) return undefined;
  return errorAnswer(429, 'RATE_LIMITED', rateMessage(over.limit, publisher), {
    'retry-after': String(over.retryAfterSeconds),
  });
}

/** The publisher's opened secrets, reused like the publisher itself (PROXY_PUBLISHER_CACHE_MS). */
const secretsOf = (commerce: Commerce, publisher: ProxyPublisher) =>
  commerce.proxy.publishers.get(`secrets:${publisher.id}:${publisher.slug}`, () =>
    openPublisherSecrets(commerce, publisher),
  );

const priceFor = (publisher: ProxyPublisher): PublisherPrice | undefined =>
  publisher.pricing[PRIMARY_ASSET] ?? publisher.pricing[publisher.primaryAssetId];

/**
 * Pays for the call before the upstream runs. A payment header, an `x402_per_request` publisher
 * or a caller without an organization: x402 (402 with the requirements until a valid payment
 * comes). Otherwise the caller's wallet: a hold (402 with the x402 requirements when the wallet
 * cannot cover it, or holds less than the publisher's minimum_balance).
 */
async function payFor(
  commerce: Commerce,
  publisher: ProxyPublisher,
  payer: Payer,
  input: CallInput,
  call: { callId: string; amount: bigint; description: string; kind: CallEvent['kind'] },
): Promise<Payment> {
  if (call.amount === 0n || publisher.billingModel === 'x402_passthrough') return { kind: 'free' };
  const freePerDay = priceFor(publisher)?.freeQueriesPerDay ?? null;
  if (
    freePerDay !== null &&
    freePerDay > 0 &&
    (await takeFreeCall(commerce.dataSource.manager, publisher.id, payer.rateKey, freePerDay, commerce.now()))
  )
    return { kind: 'free', daily: true };
  const request = { amount: call.amount, resource: input.resource, description: call.description };
  const chain = commerce.x402.chain;
  const refused = (error: string): Payment => {
    const answer = callPaymentRequired(chain, request, error);
    return {
      kind: 'refused',
      answer: { status: 402, headers: answer.headers, body: answer.body as Record<string, unknown> },
    };
  };
  const expiresAt = new Date(
    commerce.now().getTime() + commerce.proxy.upstreamTimeoutMs + commerce.proxy.holdGraceMs,
  );
  const paying = input.paymentSignature !== undefined || input.xPayment !== undefined;
  if (paying || publisher.billingModel === 'x402_per_request' || !payer.organizationId) {
    const claimed = await claimCallPayment(commerce, input, request, {
      callId: call.callId,
      publisherId: publisher.id,
      expiresAt,
    });
    return claimed.ok ? { kind: 'x402', payment: claimed.payment } : refused(claimed.error);
  }
  const organizationId = payer.organizationId;
  // one statement (proxy_hold_place): the balances under their locks, the minimum, the split, the hold
  const placed = await placeCallHold(commerce.dataSource, {
    holdId: call.callId,
    organizationId,
    publisherId: publisher.id,
    asset: ASSET,
    amount: call.amount,
    minimum: priceFor(publisher)?.minimumBalance ?? null,
    expiresAt,
    metadata: {
      kind: call.kind,
      publisher_slug: publisher.slug,
      agent_id: payer.agentId ?? '',
    },
    at: commerce.now(),
    lowBalanceThreshold: priceFor(publisher)?.lowBalanceThreshold ?? null,
  });
  if (placed.status === 'below_minimum')
    return refused('insufficient_balance: below the publisher minimum_balance');
  if (placed.status !== 'held') return refused('insufficient_balance');
  return { kind: 'wallet', hold: placed.hold };
}

interface Outcome {
  /** the upstream's HTTP status, or null when it gave none */
  status: number | null;
  latencyMs: number;
  rows: number | null;
  /** what the call costs when it succeeded (≤ the hold for a query) */
  cost: bigint;
  success: boolean;
  /** charged beside the hold (a query's rows beyond the estimate) */
  extra?: bigint;
}

/**
 * Ends the call: on success the hold captured or the payment settled, else released or left
 * unsettled; its usage event in the same transaction. Answers the payment's response header, or a
 * 402 when an x402 settlement failed after the upstream answered (the answer is then not given).
 */
async function complete(
  commerce: Commerce,
  call: Call,
  outcome: Outcome,
): Promise<{ headers: Record<string, string>; refused?: CallAnswer }> {
  const now = commerce.now();
  const { publisher, payer, payment } = call;
  const event = (
    data: Pick<CallEvent, 'cost' | 'outcome' | 'entryId' | 'txHash' | 'paidWith' | 'agentWallet'>,
  ): CallEvent => ({
    callId: call.callId,
    publisherId: publisher.id,
    organizationId: payer.organizationId,
    agentId: payer.agentId,
    kind: call.kind,
    asset: ASSET,
    rows: outcome.rows,
    latencyMs: Math.max(0, Math.round(outcome.latencyMs)),
    status: outcome.status,
    at: now.toISOString(),
    ...data,
  });
  const walletOf = payer.organizationId ? agentWallet(payer.organizationId) : 'anonymous';
  const append = (tx: EntityManager, data: CallEvent) =>
    commerce.store.append(
      `publisher-call-${call.callId}`,
      'publisher_call',
      [{ type: 'PublisherCallCompleted', data }],
      {
        manager: tx,
        expectedVersion: 0,
        metadata: eventMetadataOf(call.origin, { organizationId: publisher.organizationId }),
      },
    );

  if (payment.kind === 'free') {
    if (payment.daily && !outcome.success)
      await giveFreeCallBack(commerce.dataSource.manager, publisher.id, payer.rateKey, now);
    // no money moved: the event alone, one autocommit statement
    await commerce.store.append(
      `publisher-call-${call.callId}`,
      'publisher_call',
      [
        {
          type: 'PublisherCallCompleted',
          data: event({
            cost: '0',
            outcome: 'free',
            entryId: null,
            txHash: null,
            paidWith: null,
            agentWallet: walletOf,
          }),
        },
      ],
      {
        expectedVersion: 0,
        metadata: eventMetadataOf(call.origin, { organizationId: publisher.organizationId }),
      },
    );
    return { headers: {} };
  }

  if (payment.kind === 'wallet') {
    // one statement (proxy_hold_settle): the hold captured or released, once, with the call's event
    const hold = payment.hold;
    const entryId = randomUUID();
    const capture = outcome.success ? (outcome.cost < hold.amount ? outcome.cost : hold.amount) : null;
    const data =
      capture === null
        ? event({
            cost: hold.amount.toString(),
            outcome: 'released',
            entryId: null,
            txHash: null,
            paidWith: 'wallet',
            agentWallet: walletOf,
          })
        : event({
            cost: (capture + (outcome.extra ?? 0n)).toString(),
            outcome: 'captured',
            entryId,
            txHash: null,
            paidWith: 'wallet',
            agentWallet: walletOf,
          });
    const threshold = priceFor(publisher)?.lowBalanceThreshold ?? null;
    const settled = await settleCallHold(commerce.dataSource, hold, {
      capture,
      entryId,
      metadata:
        capture === null
          ? { reason: `upstream ${outcome.status ?? 'failed'}` }
          : {
              publisher_slug: publisher.slug,
              call_id: call.callId,
              description: `${publisher.name}: ${call.kind === 'query' ? 'query' : 'call'}`,
            },
      at: now,
      event: {
        streamId: `publisher-call-${call.callId}`,
        streamType: 'publisher_call',
        events: commerce.store.encodeEvents([{ type: 'PublisherCallCompleted', data }], {
          metadata: eventMetadataOf(call.origin, { organizationId: publisher.organizationId }),
        }),
      },
      ...(threshold !== null && capture !== null && capture > 0n
        ? { lowBalance: { threshold, notice: lowBalanceNotice(commerce, call, hold, threshold, now) } }
        : {}),
    });
    if (settled.settled) commerce.store.appendedOutside();
    else if (capture !== null)
      // the sweep released it first (the call outlived its hold): served, not paid
      commerce.logger.warn({ callId: call.callId }, 'call succeeded after its hold was released');
    return {
      headers:
        threshold !== null && settled.balance !== null && settled.balance < threshold
          ? lowBalanceHeaders(settled.balance, threshold)
          : {},
    };
  }

  // x402
  const claimed = payment.payment;
  const payerWallet = claimed.payer.toLowerCase();
  let settled: SettleResponse | undefined;
  if (outcome.success) {
    settled = await settleCallPayment(commerce, claimed);
    if (!settled.success) {
      await abandonCallPayment(commerce, claimed, call.callId);
      await commerce.dataSource.transaction((tx) =>
        append(
          tx,
          event({
            cost: claimed.amount.toString(),
            outcome: 'released',
            entryId: null,
            txHash: null,
            paidWith: 'x402',
            agentWallet: payerWallet,
          }),
        ),
      );
      const answer = callPaymentRequired(
        commerce.x402.chain,
        { amount: claimed.amount, resource: call.resource, description: publisher.name },
        settled.errorReason ?? 'settlement_failed',
      );
      return {
        headers: {},
        refused: { status: 402, headers: answer.headers, body: answer.body as Record<string, unknown> },
      };
    }
    const paid = settled;
    await commerce.dataSource.transaction(async (tx) => {
      const entryId = await bookCallPayment(tx, claimed, paid, {
        callId: call.callId,
        publisherId: publisher.id,
        publisherSlug: publisher.slug,
        at: now,
      });
      await append(
        tx,
        event({
          cost: claimed.amount.toString(),
          outcome: 'captured',
          entryId,
          txHash: paid.transaction,
          paidWith: 'x402',
          agentWallet: payerWallet,
        }),
      );
    });
    return { headers: paymentResponseHeader(claimed, paid) };
  }
  await abandonCallPayment(commerce, claimed, call.callId);
  await commerce.dataSource.transaction((tx) =>
    append(
      tx,
      event({
        cost: claimed.amount.toString(),
        outcome: 'released',
        entryId: null,
        txHash: null,
        paidWith: 'x402',
        agentWallet: payerWallet,
      }),
    ),
  );
  return { headers: {} };
}

/**
 * The answer's headers of a paid call that left the wallet below the publisher's
 * `low_balance_threshold` (the spec names none; see the README, "Low-balance notices"), on every
 * such call: `X-Seren-Low-Balance: true`, the spendable balance after it and the threshold, in USDC.
 */
export const LOW_BALANCE_HEADERS = {
  flag: 'x-seren-low-balance',
  balance: 'x-seren-balance',
  threshold: 'x-seren-low-balance-threshold',
} as const;

const lowBalanceHeaders = (balance: bigint, threshold: bigint): Record<string, string> => ({
  [LOW_BALANCE_HEADERS.flag]: 'true',
  [LOW_BALANCE_HEADERS.balance]: formatAmount(balance, ASSET),
  [LOW_BALANCE_HEADERS.threshold]: formatAmount(threshold, ASSET),
});

/**
 * The notice a capture appends when it crosses the threshold, encoded before the balance is known
 * (`balance` "0"; proxy_hold_settle writes the balance it read in its place).
 */
function lowBalanceNotice(commerce: Commerce, call: Call, hold: CallHold, threshold: bigint, now: Date) {
  const data: EventData<typeof LowBalanceThresholdCrossed> = {
    organizationId: hold.organizationId,
    agentWallet: agentWallet(hold.organizationId),
    agentId: call.payer.agentId,
    publisherId: call.publisher.id,
    publisherSlug: call.publisher.slug,
    callId: call.callId,
    asset: ASSET,
    balance: '0',
    threshold: threshold.toString(),
    at: now.toISOString(),
  };
  return {
    streamId: `low-balance-notice-${call.callId}`,
    streamType: 'low_balance_notice',
    events: commerce.store.encodeEvents([{ type: 'LowBalanceThresholdCrossed', data }], {
      metadata: eventMetadataOf(call.origin, { organizationId: hold.organizationId }),
    }),
  };
}

/** An HTTP API (or MCP) upstream: the request streamed there and its answer streamed back. */
async function proxyHttp(
  commerce: Commerce,
  origin: RequestOrigin,
  publisher: ProxyPublisher,
  input: CallInput,
): Promise<CallAnswer> {
  const base =
    publisher.integrationType === 'mcp' ? publisher.upstream.mcpEndpoint : publisher.upstream.apiUrl;
  if (!base)
    return errorAnswer(502, 'UPSTREAM_NOT_CONFIGURED', `publisher ${publisher.slug} has no upstream URL`);
  const payer = payerOf(origin);
  const limited = await rateRefusal(commerce, publisher, payer);
  if (limited) return limited;
  const callId = randomUUID();
  const price = priceFor(publisher);
  // pay_per_use: the price comes from the upstream's answer; what is held first is the most it may
  // cost (max_charge), else the call's own price, and the capture never exceeds the hold
  const costPath =
    publisher.billingModel === 'pay_per_use' ? publisher.upstream.upstreamCostResponsePath : null;
  const amount = costPath && price?.maxCharge ? price.maxCharge : priceOfCall(price, input.method);
  const payment = await payFor(commerce, publisher, payer, input, {
    callId,
    amount,
    kind: 'proxy',
    description: `${publisher.name}: ${input.method} /${input.path}`,
  });
  if (payment.kind === 'refused') return payment.answer;
  const call: Call = { callId, publisher, payer, kind: 'proxy', payment, origin, resource: input.resource };

  const started = performance.now();
  let response: Response;
  try {
    const secrets = await secretsOf(commerce, publisher);
    const bearer =
      publisher.upstream.authType === 'oauth2_cc'
        ? await commerce.proxy.tokens.tokenFor(publisher, secrets, commerce.proxy.policy, Date.now())
        : undefined;
    const target = upstreamTargetOf(
      { ...publisher, upstream: { ...publisher.upstream, apiUrl: base } },
      secrets,
      input,
      bearer,
    );
    if (publisher.billingModel === 'x402_passthrough') {
      // the upstream takes the payment itself: its headers go there and its answer comes back
      if (input.paymentSignature) target.headers['payment-signature'] = input.paymentSignature;
      if (input.xPayment) target.headers['x-payment'] = input.xPayment;
    }
    response = (await outboundFetch(
      target.url,
      {
        method: input.method,
        headers: target.headers,
        ...(input.body && input.method !== 'GET' && input.method !== 'HEAD'
          ? { body: input.body, duplex: 'half' as const }
          : {}),
        timeoutMs: commerce.proxy.upstreamTimeoutMs,
        field: 'api_url',
      },
      commerce.proxy.policy,
    )) as unknown as Response;
  } catch (error) {
    const latencyMs = performance.now() - started;
    await complete(commerce, call, { status: null, latencyMs, rows: null, cost: 0n, success: false });
    return upstreamFailure(commerce, publisher, error);
  }
  const latencyMs = performance.now() - started;
  const success = response.status >= 200 && response.status < 300;
  let cost = amount;
  let buffered: Buffer | undefined;
  if (costPath && success && payment.kind !== 'free') {
    // the answer is read whole (at most 1 MiB) to find its cost, then given back as it came
    try {
      buffered = Buffer.from(await response.arrayBuffer());
      if (buffered.length > 1_048_576) throw new RangeError('answer too large to price');
      const priced = priceFromUpstreamAnswer(price, costPath, JSON.parse(buffered.toString('utf8')));
      if (priced !== undefined) cost = priced;
      else cost = priceOfCall(price, input.method);
    } catch {
      cost = priceOfCall(price, input.method);
    }
  }
  const ended = await complete(commerce, call, {
    status: response.status,
    latencyMs,
    rows: null,
    cost,
    success,
  }).catch(async (error: unknown) => {
    await response.body?.cancel().catch(() => undefined);
    throw error;
  });
  if (ended.refused) {
    await response.body?.cancel().catch(() => undefined);
    return ended.refused;
  }
  const upstreamBase = new URL(base);
  return {
    status: response.status,
    headers: {
      ...withoutOurHeaders(returnedHeaders(response.headers, upstreamBase, input.publicBase)),
      ...ended.headers,
    },
    body: buffered
      ? Readable.from([buffered])
      : response.body
        ? Readable.fromWeb(response.body as never)
        : undefined,
  };
}

/** An upstream's own low-balance headers are not passed on: they are ours to set. */
function withoutOurHeaders(headers: Record<string, string>): Record<string, string> {
  for (const name of Object.values(LOW_BALANCE_HEADERS)) delete headers[name];
  return headers;
}

function upstreamFailure(commerce: Commerce, publisher: ProxyPublisher, error: unknown): CallAnswer {
  if (error instanceof OutboundRefused)
    return errorAnswer(
      502,
      'UPSTREAM_REFUSED',
      `the upstream of ${publisher.slug} may not be reached (${error.reason})`,
    );
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return errorAnswer(504, 'UPSTREAM_TIMEOUT', `the upstream of ${publisher.slug} did not answer in time`);
  commerce.logger.warn({ err: error, publisher: publisher.slug }, 'upstream call failed');
  return errorAnswer(502, 'UPSTREAM_UNAVAILABLE', `the upstream of ${publisher.slug} could not be reached`);
}

/** Reads a JSON body of at most `limit` bytes (the root call's query). */
async function jsonBody(body: Readable | undefined, limit = 1_048_576): Promise<unknown> {
  if (!body) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) throw new RangeError('body too large');
    chunks.push(buffer);
  }
  if (size === 0) return undefined;
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

export interface DatabaseQueryRequest {
  query: string;
  params: unknown[];
}

/** The root call's `DatabaseQueryRequest` (query, params, database), else a 400 answer. */
export function queryRequestOf(body: unknown): DatabaseQueryRequest | CallAnswer {
  const b = body as { query?: unknown; params?: unknown } | undefined;
  if (!b || typeof b !== 'object' || typeof b.query !== 'string' || b.query.trim() === '')
    return errorAnswer(400, 'VALIDATION_ERROR', 'query is required: a SQL string');
  if (b.params !== undefined && b.params !== null && !Array.isArray(b.params))
    return errorAnswer(400, 'VALIDATION_ERROR', 'params must be an array');
  const params = (b.params ?? []) as unknown[];
  if (params.some((p) => p !== null && typeof p === 'object'))
    return errorAnswer(400, 'VALIDATION_ERROR', 'params are strings, numbers, booleans or null');
  return { query: b.query, params };
}

function queryFailure(publisher: ProxyPublisher, error: unknown): CallAnswer {
  if (error instanceof QueryFailed) {
    if (error.kind === 'invalid') return errorAnswer(400, 'INVALID_QUERY', error.message);
    if (error.kind === 'timeout') return errorAnswer(504, 'QUERY_TIMEOUT', error.message);
    if (error.kind === 'refused') return errorAnswer(502, 'UPSTREAM_REFUSED', error.message);
    return errorAnswer(502, 'UPSTREAM_UNAVAILABLE', `${error.message} (${publisher.slug})`);
  }
  throw error;
}

/** A database publisher's root call: the SQL run read-only, priced per 1,000 rows returned. */
async function queryDatabase(
  commerce: Commerce,
  origin: RequestOrigin,
  publisher: ProxyPublisher,
  input: CallInput,
): Promise<CallAnswer> {
  let body: unknown;
  try {
    body = await jsonBody(input.body);
  } catch {
    return errorAnswer(400, 'VALIDATION_ERROR', 'the body must be JSON: {"query": "...", "params": []}');
  }
  const request = queryRequestOf(body);
  if ('status' in request) return request;
  const payer = payerOf(origin);
  const limited = await rateRefusal(commerce, publisher, payer);
  if (limited) return limited;
  const secrets = await secretsOf(commerce, publisher);
  if (!secrets.connectionString)
    return errorAnswer(
      502,
      'UPSTREAM_NOT_CONFIGURED',
      `publisher ${publisher.slug} has no connection string`,
    );
  const limits = {
    statementTimeoutMs: publisher.upstream.database.statementTimeoutMs,
    maxRows: publisher.upstream.database.maxRows,
  };
  const price = priceFor(publisher);
  const databases = commerce.proxy.databases;
  const callId = randomUUID();
  // paid before it runs: the price at the planner's estimate (what an x402 payment pays); a wallet
  // is charged for the rows actually returned (more than the estimate: the rest is charged too)
  let estimatedRows = 0;
  let amount = priceOfQuery(price, 0);
  if (amount > 0n || priceOfQuery(price, 1_000) > 0n) {
    try {
      estimatedRows = await databases.estimateRows(
        publisher.id,
        secrets.connectionString,
        request.query,
        request.params,
        limits,
      );
    } catch (error) {
      return queryFailure(publisher, error);
    }
    amount = priceOfQuery(price, estimatedRows);
  }
  const payment = await payFor(commerce, publisher, payer, input, {
    callId,
    amount,
    kind: 'query',
    description: `${publisher.name}: SQL query (${estimatedRows} rows estimated)`,
  });
  if (payment.kind === 'refused') return payment.answer;
  const call: Call = { callId, publisher, payer, kind: 'query', payment, origin, resource: input.resource };

  const started = performance.now();
  let result;
  try {
    result = await databases.query(
      publisher.id,
      secrets.connectionString,
      request.query,
      request.params,
      limits,
    );
  } catch (error) {
    await complete(commerce, call, {
      status: null,
      latencyMs: performance.now() - started,
      rows: null,
      cost: 0n,
      success: false,
    });
    return queryFailure(publisher, error);
  }
  const latencyMs = performance.now() - started;
  const actual = payment.kind === 'x402' ? amount : priceOfQuery(price, result.rowCount);
  let cost = actual;
  let extra = 0n;
  if (payment.kind === 'wallet' && actual > payment.hold.amount) {
    // more rows than estimated: the difference is held and captured as well, or the answer is a 402
    const charged = await chargeDifference(
      commerce,
      publisher,
      payer,
      `${callId}:rows`,
      actual - payment.hold.amount,
    );
    if (!charged) {
      await complete(commerce, call, {
        status: 402,
        latencyMs,
        rows: result.rowCount,
        cost: 0n,
        success: false,
      });
      const answer = callPaymentRequired(
        commerce.x402.chain,
        { amount: actual, resource: input.resource, description: publisher.name },
        `insufficient_balance: ${result.rowCount} rows cost ${formatAmount(actual, ASSET)} USDC`,
      );
      return { status: 402, headers: answer.headers, body: answer.body as Record<string, unknown> };
    }
    cost = payment.hold.amount;
    extra = actual - payment.hold.amount;
  }
  const ended = await complete(commerce, call, {
    status: 200,
    latencyMs,
    rows: result.rowCount,
    cost,
    success: true,
    extra,
  });
  if (ended.refused) return ended.refused;
  return {
    status: 200,
    headers: ended.headers,
    body: {
      data: {
        columns: result.columns.map((c) => c.name),
        rows: result.rows,
        row_count: result.rowCount,
        truncated: result.truncated,
        cost: formatAmount(actual, ASSET),
        cost_atomic: Number(actual),
        asset_symbol: ASSET,
      },
    },
  };
}

/** Holds and captures `amount` more for the call (its rows beyond the estimate), in one transaction; false when the wallet cannot. */
async function chargeDifference(
  commerce: Commerce,
  publisher: ProxyPublisher,
  payer: Payer,
  holdId: string,
  amount: bigint,
): Promise<boolean> {
  const now = commerce.now();
  try {
    await commerce.dataSource.transaction(async (tx) => {
      await placeHold(tx, {
        holdId,
        organizationId: payer.organizationId!,
        publisherId: publisher.id,
        asset: ASSET,
        amount,
        expiresAt: new Date(now.getTime() + 60_000),
        metadata: { kind: 'query', publisher_slug: publisher.slug, agent_id: payer.agentId ?? '' },
        at: now,
      });
      await captureHold(tx, holdId, {
        amount,
        metadata: {
          publisher_slug: publisher.slug,
          call_id: holdId,
          description: `${publisher.name}: query rows`,
        },
        at: now,
      });
    });
    return true;
  } catch (error) {
    if (isDomainError(error) && error.reason === 'INSUFFICIENT_FUNDS') return false;
    throw error;
  }
}

/** An agent publisher's root call: an agent task (paid from the wallet), answered 202. */
async function startTask(
  commerce: Commerce,
  origin: RequestOrigin,
  publisher: ProxyPublisher,
  input: CallInput,
): Promise<CallAnswer> {
  let message: unknown;
  if (payerOf(origin).organizationId) {
    try {
      message = await jsonBody(input.body);
    } catch {
      return errorAnswer(400, 'VALIDATION_ERROR', 'the body must be JSON');
    }
  }
  try {
    const key = input.headers['idempotency-key'];
    const { taskId, organizationId } = await startPublisherTask(commerce, origin, publisher, message, {
      idempotencyKey: typeof key === 'string' ? key : null,
    });
    const tasks = `/organizations/${organizationId}/agents/tasks/${taskId}`;
    return {
      status: 202,
      headers: { location: tasks },
      body: {
        data: {
          task_id: taskId,
          status: 'submitted',
          publisher_id: publisher.id,
          publisher_slug: publisher.slug,
          task_url: tasks,
          events_url: `${tasks}/events`,
          stream_url: `${tasks}/stream`,
        },
      },
    };
  } catch (error) {
    if (isDomainError(error)) {
      const retryAfter = error.details.retryAfterSeconds;
      return errorAnswer(
        httpStatusOf[error.code],
        error.reason ?? error.code,
        error.message,
        typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : {},
      );
    }
    throw error;
  }
}

export type AgentTaskStartReason = 'PUBLISHER_NOT_FOUND' | 'GEO_RESTRICTED' | 'RATE_LIMITED';
const taskStartErrors = domainErrorsOf<AgentTaskStartReason>();

/**
 * Starts an agent task on an agent publisher the caller found (the root call `POST /publishers/{slug}`
 * and GraphQL's `startAgentTask` both come here): the caller's wallet pays, so an anonymous caller
 * is UNAUTHENTICATED; the agent's calls per minute (RATE_LIMITED with `retryAfterSeconds`); then
 * agent tasks' `startAgentTask` (its hold, PAYMENT_REQUIRED `INSUFFICIENT_FUNDS`; the message,
 * VALIDATION_ERROR; NOT_AN_AGENT_PUBLISHER; the workflow). Throws DomainErrors, never answers.
 */
export async function startPublisherTask(
  commerce: Commerce,
  origin: RequestOrigin,
  publisher: ProxyPublisher,
  message: unknown,
  options: { idempotencyKey?: string | null } = {},
): Promise<{ taskId: string; organizationId: string }> {
  const payer = payerOf(origin);
  if (!payer.organizationId)
    throw unauthenticated('an agent task is paid from a wallet: call with an API key');
  const over = await overRate(commerce, publisher, payer);
  if (over)
    throw taskStartErrors.rateLimited(rateMessage(over.limit, publisher), {
      reason: 'RATE_LIMITED',
      retryAfterSeconds: over.retryAfterSeconds,
    });
  const { taskId } = await startAgentTask(commerce, {
    publisher,
    organizationId: payer.organizationId,
    agentId: payer.agentId,
    message,
    request: origin,
    idempotencyKey: options.idempotencyKey,
  });
  return { taskId, organizationId: payer.organizationId };
}

export interface StartTaskBySlugInput {
  slug: string;
  /** what the root call's body would be: see agent tasks' inputMessageOf */
  message: unknown;
  /** the caller opts in to the publisher's routing region (REST: `X-Seren-Geo-Routing: enabled`) */
  geoRouting?: boolean | null;
  /** REST's `Idempotency-Key`: a retry with it answers the first task, holding nothing more */
  idempotencyKey?: string | null;
}

/**
 * GraphQL's `startAgentTask`: the root call of an agent publisher found by its slug, with the
 * root call's refusals as DomainErrors: an unknown, inactive or deleted publisher NOT_FOUND
 * `PUBLISHER_NOT_FOUND`; its geo restriction FORBIDDEN `GEO_RESTRICTED` (GraphQL carries no
 * country header, so a restricted publisher counts the caller's country as unknown; `geoRouting`
 * is the header's opt-in); then `startPublisherTask`.
 */
export async function startAgentTaskBySlug(
  commerce: Commerce,
  origin: RequestOrigin,
  input: StartTaskBySlugInput,
): Promise<{ taskId: string; organizationId: string }> {
  const slug = input.slug.trim().toLowerCase();
  const publisher = await commerce.proxy.publishers.get(`publisher:${slug}`, () =>
    findPublisherBySlug(commerce.dataSource.manager, slug),
  );
  if (!publisher || publisher.status !== 'active')
    throw taskStartErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  const publicBase = `${commerce.x402.chain.resourceBase.replace(/\/$/, '')}/publishers/${encodeURIComponent(slug)}`;
  const geo = geoRefusal(
    publisher,
    input.geoRouting ? { [GEO_ROUTING_HEADER]: 'enabled' } : {},
    commerce.proxy.region,
    publicBase,
  );
  if (geo) {
    const { error: _error, message, ...details } = geo;
    throw taskStartErrors.forbidden(message, { reason: 'GEO_RESTRICTED', ...details });
  }
  return startPublisherTask(commerce, origin, publisher, input.message, {
    idempotencyKey: input.idempotencyKey,
  });
}
