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

/**
 * `pay_per_use` with `upstream_cost_response_path`: the upstream's JSON answer names what the call
 * cost it, at that dotted path (`usage.cost`), as a USDC amount (a number or a decimal string); the
 * call costs that times `markup_multiplier`, within min_charge and max_charge. Undefined when the
 * answer has no such amount (the caller then pays the call's own price).
 */
export function priceFromUpstreamAnswer(
  price: PublisherPrice | undefined,
  path: string,
  answer: unknown,
): bigint | undefined {
  let value: unknown = answer;
  for (const key of path.replace(/^\$\./, '').split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  const text = typeof value === 'number' && Number.isFinite(value) ? value.toFixed(6) : value;
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text.trim())) return undefined;
  const [whole, fraction = ''] = text.trim().split('.');
  // atomic units of USDC (6 decimals), rounded up: a publisher is never paid less than its cost
  const digits = fraction.padEnd(6, '0');
  let atomic = BigInt(whole!) * 1_000_000n + BigInt(digits.slice(0, 6));
  if (/[1-9]/.test(digits.slice(6))) atomic += 1n;
  if (!price) return atomic;
  return bounded(price, applyMarkup(atomic, price.markupMultiplier));
}
