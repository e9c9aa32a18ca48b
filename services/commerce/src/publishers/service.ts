import { randomUUID } from 'node:crypto';
import { checkOutboundUrl, OutboundRefused } from '@seren/outbound';
import {
  eventMetadataOf,
  forbidden,
  handle,
  requireAuthenticated,
  requirePermission,
  transaction,
  uniquely,
  type RequestOrigin,
} from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { Commerce } from '../application.js';
import { accounts, balanceOf } from '../ledger/index.js';
import { pendingHolds } from '../ledger/holds.js';
import { publisherCatalogDecider, type PublisherCommand } from './decide.js';
import {
  parseSecrets,
  publisherErrors,
  upstreamUrlFields,
  PRIMARY_ASSET,
  type SecretField,
} from './fields.js';
import { publisherStream } from './publisher.js';
import { findPublisherRecord, PUBLISHER_SELECT, publisherOfRow, type PublisherRecord } from './queries.js';
import { storePublisherSecrets } from './secrets.js';

const MANAGE = 'publisher.manage';

/**
 * The organization a publisher path names (`default`: the caller's). Commerce holds no memberships
 * (identity does): a caller acts in its own organization (an API key's, else the user's default);
 * any other is 403 "Not authorized", the spec's status for these routes.
 */
function organizationOf(
  request: RequestOrigin,
  idOrDefault: string,
): { organizationId: string; subject: string } {
  requireAuthenticated(request.caller);
  const organizationId = request.caller.organizationId;
  if (!organizationId || (idOrDefault !== 'default' && idOrDefault !== organizationId))
    throw forbidden('Not authorized', { reason: 'NOT_AUTHORIZED' });
  return { organizationId, subject: request.caller.subject };
}

/** An asset id as the requests may name it: the symbol (any case) or the chain's USDC token address. */
export function assetIdOf(commerce: Pick<Commerce, 'x402'>, value: unknown, field = 'asset_id'): string {
  if (typeof value === 'string') {
    const v = value.trim();
    if (v.toUpperCase() === PRIMARY_ASSET) return PRIMARY_ASSET;
    if (v.toLowerCase() === commerce.x402.chain.usdc.address.toLowerCase()) return PRIMARY_ASSET;
  }
  throw publisherErrors.validationError(
    `${field}: the only asset is USDC (${commerce.x402.chain.usdc.address})`,
    {
      field,
      reason: 'UNSUPPORTED_ASSET',
    },
  );
}

function assetIdsOf(commerce: Commerce, value: unknown, field: string): string[] {
  if (!Array.isArray(value))
    throw publisherErrors.validationError(`${field}: an array of asset ids`, {
      field,
      reason: 'INVALID_FIELD',
    });
  return [...new Set(value.map((v) => assetIdOf(commerce, v, field)))];
}

/**
 * The outbound guard at creation: every upstream URL given must be http(s) and resolve to public
 * addresses (or ones OUTBOUND_ALLOW_PRIVATE allows); else 400. The proxy checks again at connect time.
 */
async function checkUpstreamUrls(commerce: Commerce, input: Record<string, unknown>): Promise<void> {
  for (const field of upstreamUrlFields) {
    const value = input[field];
    if (typeof value !== 'string' || value.trim() === '') continue;
    try {
      await checkOutboundUrl(value.trim(), commerce.publishers.outbound, { field });
    } catch (error) {
      if (!(error instanceof OutboundRefused)) throw error;
      throw publisherErrors.validationError(`${field}: ${error.message}`, {
        field,
        reason: error.reason === 'PRIVATE_ADDRESS' ? 'PRIVATE_ADDRESS' : 'INVALID_FIELD',
      });
    }
  }
}

function run(
  commerce: Commerce,
  tx: EntityManager,
  publisherId: string,
  organizationId: string,
  command: PublisherCommand,
  request: RequestOrigin,
) {
  return handle(
    commerce,
    tx,
    publisherStream(publisherId),
    publisherCatalogDecider,
    command,
    eventMetadataOf(request, { organizationId }),
  );
}

/** The organization's publisher (not deleted), else 404. */
async function ownPublisher(
  tx: EntityManager,
  organizationId: string,
  publisherId: string,
): Promise<PublisherRecord> {
  const record = await findPublisherRecord(tx, publisherId);
  if (!record || record.organizationId !== organizationId || record.deletedAt !== null)
    throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  return record;
}

const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/**
 * Creates a publisher in the organization (needs `publisher.manage`): every documented setting
 * validated, upstream URLs through the outbound guard, secrets sealed in the same transaction as
 * `PublisherCreated` (which carries only their masked forms), the prices given set for the primary
 * asset. A slug taken (by any publisher, deleted ones too: their history keeps it) is 409.
 */
export async function createPublisher(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  input: Record<string, unknown>,
): Promise<PublisherRecord> {
  const { organizationId, subject } = organizationOf(request, organizationIdOrDefault);
  requirePermission(request.caller, MANAGE);
  await checkUpstreamUrls(commerce, input);
  const acceptedAssetIds =
    input.accepted_asset_ids === undefined || input.accepted_asset_ids === null
      ? [PRIMARY_ASSET]
      : assetIdsOf(commerce, input.accepted_asset_ids, 'accepted_asset_ids');
  const publisherId = randomUUID();
  await uniquely(
    () =>
      transaction(commerce, async (tx) => {
        await run(
          commerce,
          tx,
          publisherId,
          organizationId,
          {
            type: 'CreatePublisher',
            publisherId,
            organizationId,
            slug: input.slug,
            name: input.name,
            input,
            acceptedAssetIds,
            by: subject,
            now: commerce.now().toISOString(),
          },
          request,
        );
        await storePublisherSecrets(commerce, tx, publisherId, parseSecrets(input));
      }),
    () => publisherErrors.conflict('Publisher slug already exists', { reason: 'SLUG_TAKEN' }),
  );
  const created = (await findPublisherRecord(commerce.dataSource.manager, publisherId))!;
  // a call just before may have found no publisher of this slug
  commerce.proxy.publishers.forget(publisherId, created.slug);
  return created;
}

/** The organization's publishers (not deleted), newest first. */
export async function listOrganizationPublishers(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
): Promise<PublisherRecord[]> {
  const { organizationId } = organizationOf(request, organizationIdOrDefault);
  const rows = await commerce.dataSource.query(
    `${PUBLISHER_SELECT} where p.organization_id = $1 and p.deleted_at is null order by p.created_at desc, p.id`,
    [organizationId],
  );
  return rows.map(publisherOfRow);
}

export async function getOrganizationPublisher(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
): Promise<PublisherRecord> {
  const { organizationId } = organizationOf(request, organizationIdOrDefault);
  if (!isUuid(publisherId)) throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  return ownPublisher(commerce.dataSource.manager, organizationId, publisherId);
}

/**
 * Changes the settings the request names (absent: unchanged; null: cleared), the secrets given
 * (sealed anew), `add_asset_ids` / `remove_asset_ids`, and the primary asset's prices given.
 */
export async function updatePublisher(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
  input: Record<string, unknown>,
): Promise<PublisherRecord> {
  const { organizationId, subject } = organizationOf(request, organizationIdOrDefault);
  requirePermission(request.caller, MANAGE);
  if (!isUuid(publisherId)) throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  await checkUpstreamUrls(commerce, input);
  await transaction(commerce, async (tx) => {
    const current = await ownPublisher(tx, organizationId, publisherId);
    let accepted: string[] | undefined;
    if (input.accepted_asset_ids !== undefined && input.accepted_asset_ids !== null)
      accepted = assetIdsOf(commerce, input.accepted_asset_ids, 'accepted_asset_ids');
    const add = input.add_asset_ids ?? null;
    const remove = input.remove_asset_ids ?? null;
    if (add !== null || remove !== null) {
      const set = new Set(
        accepted ?? (current.config.accepted_asset_ids as string[] | undefined) ?? [PRIMARY_ASSET],
      );
      if (add !== null) for (const id of assetIdsOf(commerce, add, 'add_asset_ids')) set.add(id);
      if (remove !== null) for (const id of assetIdsOf(commerce, remove, 'remove_asset_ids')) set.delete(id);
      if (set.size === 0)
        throw publisherErrors.validationError('a publisher accepts at least one asset', {
          field: 'remove_asset_ids',
          reason: 'INVALID_FIELD',
        });
      accepted = [...set];
    }
    const { accepted_asset_ids: _given, ...rest } = input;
    await run(
      commerce,
      tx,
      publisherId,
      organizationId,
      {
        type: 'UpdatePublisher',
        input: rest,
        acceptedAssetIds: accepted,
        by: subject,
        now: commerce.now().toISOString(),
      },
      request,
    );
    await storePublisherSecrets(commerce, tx, publisherId, parseSecrets(input));
  });
  commerce.proxy.publishers.forget(publisherId);
  return (await findPublisherRecord(commerce.dataSource.manager, publisherId))!;
}

/** Soft delete: gone from the store, the proxy and the organization's list; its history, earnings and slug stay. */
export async function deletePublisher(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
): Promise<PublisherRecord> {
  const { organizationId, subject } = organizationOf(request, organizationIdOrDefault);
  requirePermission(request.caller, MANAGE);
  if (!isUuid(publisherId)) throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  await transaction(commerce, async (tx) => {
    await ownPublisher(tx, organizationId, publisherId);
    await run(
      commerce,
      tx,
      publisherId,
      organizationId,
      { type: 'DeletePublisher', by: subject, now: commerce.now().toISOString() },
      request,
    );
  });
  commerce.proxy.publishers.forget(publisherId);
  return (await findPublisherRecord(commerce.dataSource.manager, publisherId))!;
}

/** Sets the publisher's pricing for one asset (`asset_id` required): the fields given change, the others stay. */
export async function setPublisherPricing(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
  input: Record<string, unknown>,
): Promise<{ publisher: PublisherRecord; assetId: string }> {
  const { organizationId, subject } = organizationOf(request, organizationIdOrDefault);
  requirePermission(request.caller, MANAGE);
  if (!isUuid(publisherId)) throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  const assetId = assetIdOf(commerce, input.asset_id);
  await transaction(commerce, async (tx) => {
    const current = await ownPublisher(tx, organizationId, publisherId);
    const accepted = (current.config.accepted_asset_ids as string[] | undefined) ?? [PRIMARY_ASSET];
    if (!accepted.includes(assetId))
      throw publisherErrors.validationError(`asset_id: the publisher does not accept ${assetId}`, {
        field: 'asset_id',
        reason: 'UNSUPPORTED_ASSET',
      });
    await run(
      commerce,
      tx,
      publisherId,
      organizationId,
      { type: 'SetPublisherPricing', assetId, input, by: subject, now: commerce.now().toISOString() },
      request,
    );
  });
  commerce.proxy.publishers.forget(publisherId);
  return { publisher: (await findPublisherRecord(commerce.dataSource.manager, publisherId))!, assetId };
}

/** A publisher's earnings in one asset, from the ledger. */
export interface PublisherEarnings {
  publisherId: string;
  assetId: string;
  /** the earnings account's balance: what can be paid out */
  available: bigint;
  /** open holds of calls still running: earnings once captured */
  pending: bigint;
  pendingCount: number;
  /** what payouts took from the earnings (journal kind `payout`) */
  paidOut: bigint;
  /** available plus paid out: everything earned, less refunds and slashes */
  totalEarned: bigint;
}

/**
 * Earnings per asset the publisher accepts (or ever held): the ledger's balance of its earnings
 * account, its open holds, and its payouts. A deleted publisher's earnings are still its owner's.
 */
export async function publisherEarnings(
  commerce: Commerce,
  request: RequestOrigin,
  organizationIdOrDefault: string,
  publisherId: string,
): Promise<PublisherEarnings[]> {
  const { organizationId } = organizationOf(request, organizationIdOrDefault);
  const manager = commerce.dataSource.manager;
  const record = isUuid(publisherId) ? await findPublisherRecord(manager, publisherId) : undefined;
  if (!record || record.organizationId !== organizationId)
    throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  const holds = await pendingHolds(manager, publisherId);
  const assets = new Set<string>([
    ...((record.config.accepted_asset_ids as string[] | undefined) ?? [PRIMARY_ASSET]),
    ...holds.map((h) => h.asset),
  ]);
  const out: PublisherEarnings[] = [];
  for (const assetId of [...assets].sort()) {
    const account = accounts.publisherEarnings(publisherId, assetId as 'USDC');
    const available = await balanceOf(manager, account);
    const [paid] = (await manager.query(
      `select coalesce(sum(-l.amount), 0)::text as paid from ledger_lines l join ledger_entries e on e.id = l.entry_id
       where l.account = $1 and e.kind = 'payout'`,
      [account],
    )) as { paid: string }[];
    const hold = holds.find((h) => h.asset === assetId);
    const paidOut = BigInt(paid?.paid ?? '0');
    out.push({
      publisherId,
      assetId,
      available,
      pending: hold?.amount ?? 0n,
      pendingCount: hold?.count ?? 0,
      paidOut,
      totalEarned: available + paidOut,
    });
  }
  return out;
}

/** The secret names a record has sealed (for `has_*` in answers). */
export const sealedNames = (record: PublisherRecord): SecretField[] =>
  Object.keys(record.secrets) as SecretField[];
