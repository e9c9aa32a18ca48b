import { splitDebit, usdOf } from './spend';

describe('spending the wallet', () => {
  it('spends promotional credit before funded credit', () => {
    expect(splitDebit({ funded: 5_000_000n, promotional: 600_000n }, 1_000_000n)).toEqual({
      fromPromotional: 600_000n,
      fromFunded: 400_000n,
      shortfall: 0n,
    });
    expect(splitDebit({ funded: 5_000_000n, promotional: 600_000n }, 100_000n)).toEqual({
      fromPromotional: 100_000n,
      fromFunded: 0n,
      shortfall: 0n,
    });
  });

  it('reports what the balances cannot cover', () =>
    expect(splitDebit({ funded: 1n, promotional: 2n }, 10n)).toEqual({
      fromPromotional: 2n,
      fromFunded: 1n,
      shortfall: 7n,
    }));

  it('shows atomic units as dollars cut to cents', () => {
    expect(usdOf(22_771_925n)).toBe('$22.77');
    expect(usdOf(600_000n)).toBe('$0.60');
    expect(usdOf(0n)).toBe('$0.00');
    expect(usdOf(9_999n)).toBe('$0.00');
    expect(usdOf(-100_000n)).toBe('-$0.10');
  });
});
