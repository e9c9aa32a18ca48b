/**
 * How a debit of the wallet splits over its two balances: promotional credit is spent first, then
 * funded credit. Pure; amounts in atomic units. `shortfall` > 0 means the wallet cannot pay it all
 * (the caller answers 402 and posts nothing).
 */
export function splitDebit(
  balances: { funded: bigint; promotional: bigint },
  amount: bigint,
): { fromPromotional: bigint; fromFunded: bigint; shortfall: bigint } {
  if (amount < 0n) throw new RangeError('a debit is a non-negative amount');
  const promotional = balances.promotional > 0n ? balances.promotional : 0n;
  const funded = balances.funded > 0n ? balances.funded : 0n;
  const fromPromotional = amount < promotional ? amount : promotional;
  const rest = amount - fromPromotional;
  const fromFunded = rest < funded ? rest : funded;
  return { fromPromotional, fromFunded, shortfall: rest - fromFunded };
}

/**
 * An amount of atomic units (6 decimals) as the wallet's `*_usd` strings show it: `$22.77`, cut
 * (never rounded up) to cents, so the wallet never shows more than it holds; `-$0.10` below zero.
 */
export function usdOf(atomic: bigint): string {
  const negative = atomic < 0n;
  const cents = (negative ? -atomic : atomic) / 10_000n;
  const text = `$${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}
