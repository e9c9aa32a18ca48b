import { usdOf } from './money';

describe("the wallet's dollars", () => {
  it('shows atomic units as dollars cut to cents', () => {
    expect(usdOf(22_771_925n)).toBe('$22.77');
    expect(usdOf(600_000n)).toBe('$0.60');
    expect(usdOf(0n)).toBe('$0.00');
    expect(usdOf(9_999n)).toBe('$0.00');
    expect(usdOf(-100_000n)).toBe('-$0.10');
  });
});
