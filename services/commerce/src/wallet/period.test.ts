import { periodOf } from './service';

describe('date ranges of the wallet (YYYY-MM-DD, UTC midnight)', () => {
  it('reads start_date as inclusive and end_date as exclusive midnights UTC', () =>
    expect(periodOf({ startDate: '2026-11-02', endDate: '2026-11-05' })).toEqual({
      from: new Date('2026-11-02T00:00:00.000Z'),
      until: new Date('2026-11-05T00:00:00.000Z'),
    }));

  it('takes absent or empty dates as open ends', () =>
    expect(periodOf({ startDate: null, endDate: '' })).toEqual({ from: null, until: null }));

  it('refuses what is not a calendar date, and an end before the start', () => {
    for (const startDate of [
      '2026-02-30',
      '2026-13-01',
      '02-11-2026',
      '2026-11-2',
      'yesterday',
      '2026-11-02T00:00:00Z',
    ])
      expect(() => periodOf({ startDate })).toThrow(expect.objectContaining({ code: 'VALIDATION_ERROR' }));
    expect(() => periodOf({ startDate: '2026-11-05', endDate: '2026-11-02' })).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_ERROR',
        details: expect.objectContaining({ field: 'end_date' }),
      }),
    );
  });
});
