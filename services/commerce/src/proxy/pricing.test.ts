import type { PublisherPrice } from '../publishers/index.js';
import { applyMarkup, priceFromUpstreamAnswer, priceOfCall, priceOfQuery } from './pricing';

const price = (p: Partial<PublisherPrice>): PublisherPrice => ({
  assetId: 'USDC',
  pricePerCall: null,
  pricePerGet: null,
  pricePerPost: null,
  pricePerPut: null,
  pricePerPatch: null,
  pricePerDelete: null,
  pricePerExecution: null,
  basePricePer1000Rows: null,
  markupMultiplier: null,
  minCharge: null,
  maxCharge: null,
  minimumBalance: null,
  lowBalanceThreshold: null,
  hourlyRate: null,
  gracePeriodMinutes: null,
  maxQueriesPerMinute: null,
  freeQueriesPerDay: null,
  ...p,
});

describe('pricing a call', () => {
  it('takes the method price, else the per-call price, else nothing', () => {
    const p = price({ pricePerCall: 1_000n, pricePerPost: 2_500n });
    expect(priceOfCall(p, 'POST')).toBe(2_500n);
    expect(priceOfCall(p, 'get')).toBe(1_000n);
    expect(priceOfCall(price({}), 'GET')).toBe(0n);
    expect(priceOfCall(undefined, 'GET')).toBe(0n);
  });

  it('keeps a priced call within min_charge and max_charge', () => {
    expect(priceOfCall(price({ pricePerCall: 10n, minCharge: 100n }), 'GET')).toBe(100n);
    expect(priceOfCall(price({ pricePerCall: 10_000n, maxCharge: 5_000n }), 'GET')).toBe(5_000n);
    // a min_charge prices a call that had no price
    expect(priceOfCall(price({ minCharge: 100n }), 'GET')).toBe(100n);
  });
});

describe('pricing a query', () => {
  it('charges the execution plus the rows per 1,000, rounded up to the atomic unit', () => {
    const p = price({ pricePerExecution: 100n, basePricePer1000Rows: 1_000n });
    expect(priceOfQuery(p, 0)).toBe(100n);
    expect(priceOfQuery(p, 1_000)).toBe(1_100n);
    expect(priceOfQuery(p, 1)).toBe(101n);
    expect(priceOfQuery(price({ basePricePer1000Rows: 3n }), 1)).toBe(1n);
    expect(priceOfQuery(price({ basePricePer1000Rows: 3n }), 2_500)).toBe(8n);
  });

  it('applies the markup, rounding up', () => {
    expect(priceOfQuery(price({ pricePerExecution: 100n, markupMultiplier: '1.5' }), 0)).toBe(150n);
    expect(applyMarkup(3n, '1.1')).toBe(4n);
    expect(applyMarkup(3n, 'abc')).toBe(3n);
    expect(applyMarkup(3n, null)).toBe(3n);
  });

  it("pay_per_use: the upstream's cost at its path, times the markup, within min and max; none: undefined", () => {
    const p = price({ markupMultiplier: '1.5', minCharge: 100n, maxCharge: 50_000n });
    expect(priceFromUpstreamAnswer(p, 'usage.cost', { usage: { cost: '0.01' } })).toBe(15_000n);
    expect(priceFromUpstreamAnswer(p, '$.usage.cost', { usage: { cost: 0.02 } })).toBe(30_000n);
    expect(priceFromUpstreamAnswer(p, 'usage.cost', { usage: { cost: '1' } })).toBe(50_000n);
    expect(priceFromUpstreamAnswer(p, 'usage.cost', { usage: { cost: '0' } })).toBe(100n);
    // below one atomic unit: rounded up
    expect(priceFromUpstreamAnswer(undefined, 'c', { c: '0.0000001' })).toBe(1n);
    expect(priceFromUpstreamAnswer(p, 'usage.cost', { usage: {} })).toBeUndefined();
    expect(priceFromUpstreamAnswer(p, 'usage.cost', { usage: { cost: '-1' } })).toBeUndefined();
    expect(priceFromUpstreamAnswer(p, 'usage.cost', [1, 2])).toBeUndefined();
  });
});
