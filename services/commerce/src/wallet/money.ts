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
