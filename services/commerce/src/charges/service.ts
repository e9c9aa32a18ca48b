import { randomUUID } from 'node:crypto';
import {
  eventMetadataOf,
  handle,
  requireAuthenticated,
  requirePermission,
  uniquely,
  type RequestOrigin,
} from '@seren/service-kit';
import { forbidden, notFound } from '@seren/service-kit/errors';
import type { Pool } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';
import type { Commerce } from '../application.js';
import { allowsOverdraft, isSharded } from '../ledger/accounts.js';
import { idempotencyKeyInUse, idempotencyKeyMismatch } from '../ledger/idempotency.js';
import {
  accounts,
  balances,
  IDEMPOTENCY_RETENTION_HOURS,
  organizationOfWallet,
  postEntry,
  requestHashOf,
  withIdempotency,
  type EntryLine,
} from '../ledger/index.js';
import { chargeStream, publisherStream, type ChargeEvent } from './charge.js';
import { CHARGE_FUNCTION_BODY } from './charge-function.js';
import { chargeDecider, chargeErrors, decideCharge, publisherDecider } from './decide.js';
import { chargesProjection } from './projection.js';
import {
  findCharge,
  findPublisher,
  publisherOfOrganization,
  type ChargeView,
  type PublisherView,
} from './queries.js';

const ASSET = 'USDC' as const;

/**
 * Registers the minimal publisher record charges need (slug, name, owning organization: the
 * caller's). Needs `publisher.manage` in that organization. The publisher catalog (issue 18) grows
 * this record; until then this is the only way to make one (GraphQL `registerPublisher`).
 */
export async function registerPublisher(
  commerce: Commerce,
  request: RequestOrigin,
  input: { slug: string; name: string },
): Promise<PublisherView> {
  requireAuthenticated(request.caller);
  const organizationId = request.caller.organizationId;
  if (!organizationId) throw forbidden('a publisher belongs to an organization: call with one');
  requirePermission(request.caller, 'publisher.manage');
  const publisherId = randomUUID();
  await uniquely(
    () =>
      handle(
        commerce,
        undefined,
        publisherStream(publisherId),
        publisherDecider,
        {
          type: 'RegisterPublisher',
          publisherId,
          slug: input.slug.trim().toLowerCase(),
          name: input.name,
          organizationId,
          registeredBy: request.caller.subject!,
          now: commerce.now().toISOString(),
        },
        eventMetadataOf(request, { organizationId }),
      ),
    () => chargeErrors.conflict('a publisher with this slug exists', { reason: 'SLUG_TAKEN' }),
  );
  // the proxy of this instance may have found no publisher of this slug just before
  commerce.proxy.publishers.forget(publisherId, input.slug.trim().toLowerCase());
  return (await findPublisher(commerce.dataSource.manager, publisherId))!;
}

const NOT_THE_PUBLISHER = "only the publisher's own organization (its API key) may do this";

/** The publisher the slug names, when the caller speaks for its organization: 401, 404, 403 otherwise. */
async function publisherFor(tx: EntityManager, request: RequestOrigin, slug: string): Promise<PublisherView> {
  const publisher = await findPublisher(tx, slug);
  return authorizedPublisher(request, publisher?.slug === slug ? publisher : undefined);
}

function authorizedPublisher(request: RequestOrigin, publisher: PublisherView | undefined): PublisherView {
  requireAuthenticated(request.caller);
  if (!publisher) throw notFound('Publisher');
  if (request.caller.organizationId !== publisher.organizationId) throw forbidden(NOT_THE_PUBLISHER);
  return publisher;
}

/** The agent's lines of money going back to it (refund, slash), without zero lines. */
function agentLines(organizationId: string, toFunded: bigint, toPromotional: bigint): EntryLine[] {
  const lines: EntryLine[] = [];
  if (toFunded !== 0n)
    lines.push({ account: accounts.agentFunded(organizationId, ASSET), asset: ASSET, amount: toFunded });
  if (toPromotional !== 0n)
    lines.push({
      account: accounts.agentPromotional(organizationId, ASSET),
      asset: ASSET,
      amount: toPromotional,
    });
  return lines;
}

export interface CreateChargeInput {
  slug: string;
  agentWallet: string;
  amountAtomic: bigint;
  description: string;
  /** the body's `idempotency_key`, else the `Idempotency-Key` header */
  idempotencyKey?: string | null;
}

/**
 * A publisher charges an agent's wallet: promotional credit first, then funded credit, into the
 * publisher's earnings; one journal entry (kind `charge`) and ChargeCreated, committed together. 402
 * when the wallet cannot pay it all (an unknown wallet holds nothing). With an idempotency key the
 * same request answers the first charge again (Stripe's semantics, see withIdempotency).
 *
 * The whole charge is one call of `charge_create` in autocommit (charge-function.ts): the hot path
 * of the benchmark. The request is decided here first (decideCharge: the amount, the description,
 * the event validated against its contract) with placeholders for what the database decides under
 * its locks (publisher id, agent organization, the split), which the function fills in.
 */
export async function createCharge(
  commerce: Commerce,
  request: RequestOrigin,
  input: CreateChargeInput,
): Promise<ChargeView> {
  requireAuthenticated(request.caller);
  const agentWallet = input.agentWallet.trim().toLowerCase();
  const key = input.idempotencyKey || null;
  const chargeId = randomUUID();
  const entryId = randomUUID();
  const now = commerce.now().toISOString();
  const organizationId = request.caller.organizationId ?? null;
  const [created] = decideCharge(
    {
      type: 'CreateCharge',
      chargeId,
      publisherId: '{publisher}',
      agentOrganizationId: '{org}',
      agentWallet,
      amount: input.amountAtomic,
      description: input.description,
      idempotencyKey: key,
      // placeholders: the split is charge_create's, under the balances' locks
      balances: { funded: input.amountAtomic, promotional: 0n },
      entryId,
      now,
    },
    chargeDecider.initialState(),
  ) as [Extract<ChargeEvent, { type: 'ChargeCreated' }>];
  // the caller's organization is the publisher's, or charge_create refuses with 403 and writes nothing
  const events = commerce.store.encodeEvents([created], {
    metadata: eventMetadataOf(request, { organizationId: organizationId ?? undefined }),
    projectedBy: [chargesProjection.name],
  });
  const accountTemplates = [
    accounts.agentFunded('{org}', ASSET),
    accounts.agentPromotional('{org}', ASSET),
    accounts.publisherEarnings('{publisher}', ASSET),
  ];
  await chargeFunctionChecked(commerce);
  const values = [
    chargeStream(chargeId),
    1,
    events,
    chargeDecider.streamType,
    `POST /billing/publishers/${input.slug}/charges:${organizationId ?? request.caller.subject}`,
    key,
    requestHashOf({ agentWallet, amount: input.amountAtomic, description: input.description }),
    null,
    IDEMPOTENCY_RETENTION_HOURS,
    organizationId,
    input.slug,
    agentWallet,
    input.amountAtomic.toString(),
    chargeId,
    entryId,
    now,
    created.data.description,
    ASSET,
    accountTemplates,
    accountTemplates.map(allowsOverdraft),
    accountTemplates.map(isSharded),
  ];
  const pool = (commerce.dataSource.driver as PostgresDriver).master as Pool;
  for (let attempt = 1; ; attempt += 1) {
    let row: { charge_status: string; charge_result: string | null } | undefined;
    try {
      ({
        rows: [row],
      } = await pool.query<{ charge_status: string; charge_result: string | null }>({
        name: 'seren_charge_create',
        text: CHARGE_CALL,
        values,
      }));
    } catch (error) {
      // a result committed between this call's claim and its store: the next call replays it
      if ((error as { code?: string }).code === 'SRN01' && attempt < 3) continue;
      throw error;
    }
    switch (row?.charge_status) {
      case 'created':
        commerce.store.appendedOutside();
        return decodeChargeResult(row.charge_result!);
      case 'replay':
        return decodeChargeResult(row.charge_result!);
      case 'in_use':
        throw idempotencyKeyInUse();
      case 'mismatch':
        throw idempotencyKeyMismatch();
      case 'no_publisher':
        throw notFound('Publisher');
      case 'forbidden':
        throw forbidden(NOT_THE_PUBLISHER);
      case 'insufficient':
        throw chargeErrors.paymentRequired('Insufficient balance', { reason: 'INSUFFICIENT_FUNDS' });
      default:
        throw new Error(`charge_create answered ${row?.charge_status}`);
    }
  }
}

const CHARGE_AMOUNTS = [
  'amountAtomic',
  'fromPromotionalAtomic',
  'fromFundedAtomic',
  'refundedAtomic',
  'slashedAtomic',
] as const;

/**
 * A charge's stored result (ChargeView as withIdempotency encodes it: its amounts as
 * `{"$bigint": "..."}`, no Dates), decoded as decodeStoredResult would, without a reviver called for
 * every value: a tenth of its time on the charge's hot path.
 */
function decodeChargeResult(text: string): ChargeView {
  const view = JSON.parse(text) as Record<string, unknown>;
  for (const field of CHARGE_AMOUNTS) view[field] = BigInt((view[field] as { $bigint: string }).$bigint);
  return view as unknown as ChargeView;
}

const CHARGE_CALL = `select charge_status, charge_result from charge_create(${Array.from(
  { length: 21 },
  (_, i) => `$${i + 1}`,
).join(', ')})`;

const checked = new WeakMap<object, Promise<void>>();

/**
 * Once per process and database: charge_create's body must be the one the code defines (it embeds
 * the event store's append and the ledger's key statements); a stale one would write what the code
 * no longer means, so every charge is refused until a migration recreates it.
 */
function chargeFunctionChecked(commerce: Commerce): Promise<void> {
  let check = checked.get(commerce.dataSource);
  if (!check) {
    check = (async () => {
      const rows: { prosrc: string }[] = await commerce.dataSource.query(
        `select prosrc from pg_proc where proname = 'charge_create'`,
      );
      if (rows.length !== 1 || rows[0]!.prosrc !== CHARGE_FUNCTION_BODY)
        throw new Error(
          'charge_create differs from charges/charge-function.ts: add a migration that runs chargeFunctionSql()',
        );
    })();
    check.catch(() => checked.delete(commerce.dataSource));
    checked.set(commerce.dataSource, check);
  }
  return check;
}

export async function getCharge(
  commerce: Commerce,
  request: RequestOrigin,
  slug: string,
  chargeId: string,
): Promise<ChargeView> {
  const manager = commerce.dataSource.manager;
  const publisher = await publisherFor(manager, request, slug);
  const charge = await findCharge(manager, publisher.id, chargeId);
  if (!charge) throw notFound('Charge');
  return charge;
}

/** The publisher's charge under its row lock (refunds and slashes of one charge take turns), else 404. */
async function lockedCharge(tx: EntityManager, request: RequestOrigin, slug: string, chargeId: string) {
  const publisher = await publisherFor(tx, request, slug);
  const rows: unknown[] = await tx.query(
    `select 1 from charges where id = $1 and publisher_id = $2 for update`,
    [chargeId, publisher.id],
  );
  if (rows.length === 0) throw notFound('Charge');
  return publisher;
}

/**
 * Refunds the charge, once: what is left of it (its amount less what slashes already paid back)
 * goes from the publisher's earnings back to the agent, to the balances it was spent from (funded
 * credit first). A second refund changes nothing and answers the refunded charge. 402 if the
 * publisher's earnings no longer hold it.
 */
export async function refundCharge(
  commerce: Commerce,
  request: RequestOrigin,
  input: { slug: string; chargeId: string; reason: string; idempotencyKey?: string | null },
): Promise<ChargeView> {
  requireAuthenticated(request.caller);
  return withIdempotency(
    commerce,
    {
      scope: `POST /billing/publishers/${input.slug}/charges/${input.chargeId}/refund:${request.caller.organizationId}`,
      key: input.idempotencyKey || undefined,
      requestHash: requestHashOf({ reason: input.reason }),
    },
    async (tx) => {
      const publisher = await lockedCharge(tx, request, input.slug, input.chargeId);
      const entryId = randomUUID();
      const { events, state } = await handle(
        commerce,
        tx,
        chargeStream(input.chargeId),
        chargeDecider,
        { type: 'RefundCharge', reason: input.reason, entryId, now: commerce.now().toISOString() },
        eventMetadataOf(request, { organizationId: publisher.organizationId }),
      );
      const refunded = events.find((event) => event.type === 'ChargeRefunded');
      if (refunded && state.status !== 'none' && BigInt(refunded.data.refundedAtomic) > 0n) {
        const d = refunded.data;
        await postReturnToAgent(tx, publisher, input.chargeId, state.agentOrganizationId, {
          entryId,
          kind: 'refund',
          reference: input.chargeId,
          at: d.refundedAt,
          amount: BigInt(d.refundedAtomic),
          toFunded: BigInt(d.toFundedAtomic),
          toPromotional: BigInt(d.toPromotionalAtomic),
          reason: d.reason,
        });
      }
      return (await findCharge(tx, publisher.id, input.chargeId))!;
    },
  );
}

/**
 * The spec's penalty on the publisher: `amount` moves from its earnings back to the agent (402 when
 * the earnings lack it). What goes back to the agent for a charge, refund and slashes together, never
 * exceeds the charge (400 otherwise).
 */
export async function slashCharge(
  commerce: Commerce,
  request: RequestOrigin,
  input: {
    slug: string;
    chargeId: string;
    reason: string;
    amountAtomic: bigint;
    idempotencyKey?: string | null;
  },
): Promise<ChargeView> {
  requireAuthenticated(request.caller);
  return withIdempotency(
    commerce,
    {
      scope: `POST /billing/publishers/${input.slug}/charges/${input.chargeId}/slash:${request.caller.organizationId}`,
      key: input.idempotencyKey || undefined,
      requestHash: requestHashOf({ reason: input.reason, amount: input.amountAtomic }),
    },
    async (tx) => {
      const publisher = await lockedCharge(tx, request, input.slug, input.chargeId);
      const entryId = randomUUID();
      const { events, state } = await handle(
        commerce,
        tx,
        chargeStream(input.chargeId),
        chargeDecider,
        {
          type: 'SlashCharge',
          amount: input.amountAtomic,
          reason: input.reason,
          entryId,
          now: commerce.now().toISOString(),
        },
        eventMetadataOf(request, { organizationId: publisher.organizationId }),
      );
      const slashed = events.find((event) => event.type === 'ChargeSlashed');
      if (slashed && state.status !== 'none') {
        const d = slashed.data;
        await postReturnToAgent(tx, publisher, input.chargeId, state.agentOrganizationId, {
          entryId,
          kind: 'slash',
          reference: `${input.chargeId}:${state.slashes}`,
          at: d.slashedAt,
          amount: BigInt(d.slashAtomic),
          toFunded: BigInt(d.toFundedAtomic),
          toPromotional: BigInt(d.toPromotionalAtomic),
          reason: d.reason,
        });
      }
      return (await findCharge(tx, publisher.id, input.chargeId))!;
    },
  );
}

/**
 * The journal entry of a refund or a slash: `amount` leaves the publisher's earnings and goes back
 * to the agent's funded and promotional balances as the charge's event split it.
 */
async function postReturnToAgent(
  tx: EntityManager,
  publisher: { id: string; slug: string },
  chargeId: string,
  agentOrganizationId: string,
  entry: {
    entryId: string;
    kind: 'refund' | 'slash';
    reference: string;
    at: string;
    amount: bigint;
    toFunded: bigint;
    toPromotional: bigint;
    reason: string;
  },
): Promise<void> {
  await postEntry(tx, {
    entryId: entry.entryId,
    kind: entry.kind,
    reference: entry.reference,
    organizationId: agentOrganizationId,
    at: new Date(entry.at),
    lines: [
      { account: accounts.publisherEarnings(publisher.id, ASSET), asset: ASSET, amount: -entry.amount },
      ...agentLines(agentOrganizationId, entry.toFunded, entry.toPromotional),
    ],
    metadata: {
      publisher_id: publisher.id,
      publisher_slug: publisher.slug,
      charge_id: chargeId,
      reason: entry.reason,
    },
  });
}

export interface AgentBalanceView {
  agentWallet: string;
  asset: 'USDC';
  fundedAtomic: bigint;
  promotionalAtomic: bigint;
  balanceAtomic: bigint;
}

/**
 * What an agent wallet can spend, for a publisher's pre-check: the caller's organization must have
 * a publisher (404 "Publisher not found" otherwise). A wallet the ledger never saw holds nothing.
 */
export async function lookupAgentWallet(
  commerce: Commerce,
  request: RequestOrigin,
  agentWallet: string,
): Promise<AgentBalanceView> {
  requireAuthenticated(request.caller);
  const manager = commerce.dataSource.manager;
  const organizationId = request.caller.organizationId;
  if (!organizationId) throw forbidden('a publisher pre-check is made for an organization');
  if (!(await publisherOfOrganization(manager, organizationId))) throw notFound('Publisher');
  const address = agentWallet.trim().toLowerCase();
  const agent = await organizationOfWallet(manager, address);
  const held = agent ? await balances(manager, agent, ASSET) : { funded: 0n, promotional: 0n };
  const positive = (value: bigint) => (value > 0n ? value : 0n);
  return {
    agentWallet: address,
    asset: ASSET,
    fundedAtomic: held.funded,
    promotionalAtomic: held.promotional,
    balanceAtomic: positive(held.funded) + positive(held.promotional),
  };
}
