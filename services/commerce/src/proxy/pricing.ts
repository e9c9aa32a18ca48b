import type { PublisherPrice } from '../publishers/index.js';

// What a call to a publisher costs, in atomic units of the asset, from its pricing (PUT .../pricing).
// Pure: the proxy, the root query and the estimate all price through here.

export type CallMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** min_charge and max_charge bound every priced call (a zero price stays free). */
function bounded(price: PublisherPrice, amount: bigint): bigint {
  if (amount === 0n && price.minCharge === null) return 0n;
  let bounded = amount;
  if (price.minCharge !== null && bounded < price.minCharge) bounded = price.minCharge;
  if (price.maxCharge !== null && bounded > price.maxCharge) bounded = price.maxCharge;
  return bounded;
}

/**
 * An HTTP call through the proxy: the method's own price (`price_per_get`, ...) where set, else
 * `price_per_call`, else free; within min_charge and max_charge. No pricing at all: free.
 */
export function priceOfCall(price: PublisherPrice | undefined, method: string): bigint {
  if (!price) return 0n;
  const perMethod: Record<CallMethod, bigint | null> = {
    GET: price.pricePerGet,
    POST: price.pricePerPost,
    PUT: price.pricePerPut,
    PATCH: price.pricePerPatch,
    DELETE: price.pricePerDelete,
  };
  const own = perMethod[method.toUpperCase() as CallMethod] ?? null;
  return bounded(price, own ?? price.pricePerCall ?? 0n);
}

/**
 * A database query returning `rows`: `price_per_execution` (else `price_per_call`) plus
 * `base_price_per_1000_rows` per 1,000 rows, pro rata and rounded up to the next atomic unit (a
 * publisher is never paid less than its price), times `markup_multiplier`; within min_charge and
 * max_charge.
 */
export function priceOfQuery(price: PublisherPrice | undefined, rows: number): bigint {
  if (!price) return 0n;
  const base = price.pricePerExecution ?? price.pricePerCall ?? 0n;
  const per1000 = price.basePricePer1000Rows ?? 0n;
  const forRows = (per1000 * BigInt(rows) + 999n) / 1000n;
  return bounded(price, applyMarkup(base + forRows, price.markupMultiplier));
}

/** amount × a decimal multiplier ("1.5"), rounded up to the atomic unit; none or invalid: unchanged. */
export function applyMarkup(amount: bigint, multiplier: string | null): bigint {
  if (multiplier === null) return amount;
  const match = /^(\d+)(?:\.(\d{1,12}))?$/.exec(multiplier.trim());
  if (!match) return amount;
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const factor = BigInt(match[1]!) * scale + BigInt(fraction || '0');
  return (amount * factor + scale - 1n) / scale;
}
