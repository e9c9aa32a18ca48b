import { formatAmount, parseAmount } from './amounts';

describe('amounts', () => {
  it('formats atomic amounts as the spec shows them: two decimals at least, more where they count', () => {
    expect(formatAmount(10_500_000n, 'USDC')).toBe('10.50');
    expect(formatAmount(10_123_456n, 'USDC')).toBe('10.123456');
    expect(formatAmount(10_120_000n, 'USDC')).toBe('10.12');
    expect(formatAmount(1n, 'USDC')).toBe('0.000001');
    expect(formatAmount(0n, 'USDC')).toBe('0.00');
    expect(formatAmount(1050n, 'USD')).toBe('10.50');
    expect(formatAmount(5n, 'USD')).toBe('0.05');
    expect(formatAmount(-250n, 'USD')).toBe('-2.50');
    expect(formatAmount(123_456_789_012_345_678_901n, 'USDC')).toBe('123456789012345.678901');
  });

  it('parses decimal strings exactly, refusing what would need rounding or is not a plain decimal', () => {
    expect(parseAmount('10.50', 'USDC')).toBe(10_500_000n);
    expect(parseAmount('10', 'USDC')).toBe(10_000_000n);
    expect(parseAmount('0.000001', 'USDC')).toBe(1n);
    expect(parseAmount('10.5', 'USD')).toBe(1050n);
    expect(parseAmount('10.505', 'USD')).toBeUndefined();
    expect(parseAmount('0.0000001', 'USDC')).toBeUndefined();
    for (const bad of ['-1', '1e3', '', '.5', '1.', 'ten', '0x10', '1,5'])
      expect(parseAmount(bad, 'USDC')).toBeUndefined();
  });

  it('round-trips every formatted amount', () => {
    for (const atomic of [0n, 1n, 99n, 100n, 10_500_000n, 987_654_321n])
      expect(parseAmount(formatAmount(atomic, 'USDC'), 'USDC')).toBe(atomic);
  });
});
