import { notFound, validationError } from '@seren/service-kit/errors';
import { domainErrorsOf } from '@seren/service-kit/errors';
import type { Commerce } from '../application.js';
import { formatAmount } from '../ledger/index.js';
import { findPublisherBySlug, openPublisherSecrets, PRIMARY_ASSET } from '../publishers/index.js';
import { QueryFailed } from './database.js';
import { priceOfCall, priceOfQuery } from './pricing.js';

export type EstimateReason =
  'PUBLISHER_NOT_FOUND' | 'UNSUPPORTED_ASSET' | 'INVALID_QUERY' | 'UPSTREAM_UNAVAILABLE';
const estimateErrors = domainErrorsOf<EstimateReason>();

export interface EstimateInput {
  slug: string;
  /** the body's publisher_id: must be the slug's publisher */
  publisherId: string;
  query: string;
  assetId?: string | null;
}

export interface QueryEstimate {
  publisherName: string;
  publisherSlug: string;
  assetSymbol: string;
  estimatedCost: string;
  estimatedCostAtomic: bigint;
  estimatedRows: number;
}

/**
 * `POST /publishers/{slug}/estimate`: what a query would cost, without running or paying for it.
 * Database publishers: the planner's row estimate (EXPLAIN, capped at the publisher's row cap)
 * priced per 1,000 rows; that is also what an x402 payment of the query pays. Other publishers: the
 * price of one call (`price_per_call`), no rows.
 */
export async function estimateQuery(commerce: Commerce, input: EstimateInput): Promise<QueryEstimate> {
  const publisher = await findPublisherBySlug(commerce.dataSource.manager, input.slug);
  if (!publisher || publisher.status !== 'active' || publisher.id !== input.publisherId.trim())
    throw estimateErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  const asset = (input.assetId ?? publisher.primaryAssetId).trim();
  const symbol = asset.toUpperCase() === PRIMARY_ASSET ? PRIMARY_ASSET : asset;
  if (symbol !== PRIMARY_ASSET && !publisher.acceptedAssetIds.includes(asset))
    throw estimateErrors.validationError(`asset_id ${asset} is not accepted by ${publisher.slug}`, {
      field: 'asset_id',
      reason: 'UNSUPPORTED_ASSET',
    });
  if (input.query.trim() === '') throw validationError('query is required', { field: 'query' });
  const price = publisher.pricing[symbol] ?? publisher.pricing[asset];
  let rows = 0;
  let cost: bigint;
  if (publisher.integrationType === 'database') {
    const secrets = await openPublisherSecrets(commerce, publisher);
    if (!secrets.connectionString) throw notFound('Publisher database', { reason: 'UPSTREAM_UNAVAILABLE' });
    try {
      rows = await commerce.proxy.databases.estimateRows(
        publisher.id,
        secrets.connectionString,
        input.query,
        [],
        {
          statementTimeoutMs: publisher.upstream.database.statementTimeoutMs,
          maxRows: publisher.upstream.database.maxRows,
        },
      );
    } catch (error) {
      if (error instanceof QueryFailed && error.kind === 'invalid')
        throw estimateErrors.validationError(error.message, { field: 'query', reason: 'INVALID_QUERY' });
      throw error;
    }
    cost = priceOfQuery(price, rows);
  } else {
    cost = priceOfCall(price, 'CALL');
  }
  return {
    publisherName: publisher.name,
    publisherSlug: publisher.slug,
    assetSymbol: PRIMARY_ASSET,
    estimatedCost: formatAmount(cost, 'USDC'),
    estimatedCostAtomic: cost,
    estimatedRows: rows,
  };
}
