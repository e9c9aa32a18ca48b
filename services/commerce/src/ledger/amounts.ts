// Money is integers of the asset's smallest unit, as bigint, everywhere below the edge: never a float.

/** The assets the ledger keeps: USDC in atomic units (6 decimals), USD in cents (2 decimals). */
export type Asset = 'USDC' | 'USD';

export const assets: readonly Asset[] = ['USDC', 'USD'];

/** How many decimals one whole unit of the asset has. */
export const decimalsOf: Record<Asset, number> = { USDC: 6, USD: 2 };

export function isAsset(value: string): value is Asset {
  return (assets as readonly string[]).includes(value);
}

/**
 * The decimal string the spec shows for an amount (`"10.50"`): at least two decimals, more only
 * where the amount has them (USDC `10123456` → `"10.123456"`, `10500000` → `"10.50"`), a leading `-`
 * for a debit.
 */
export function formatAmount(atomic: bigint, asset: Asset): string {
  const decimals = decimalsOf[asset];
  const negative = atomic < 0n;
  const digits = (negative ? -atomic : atomic).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  let fraction = digits.slice(digits.length - decimals);
  while (fraction.length > 2 && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * The atomic amount of a decimal string (`"10.50"` USDC → `10500000n`). Refuses anything but plain
 * non-negative decimals, and more decimals than the asset has (no rounding: money is never rounded
 * silently). Returns undefined when refused, so each caller names its own error.
 */
export function parseAmount(decimal: string, asset: Asset): bigint | undefined {
  const match = DECIMAL.exec(decimal.trim());
  if (!match) return undefined;
  const decimals = decimalsOf[asset];
  const fraction = match[2] ?? '';
  if (fraction.length > decimals) return undefined;
  return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, '0') || '0');
}
