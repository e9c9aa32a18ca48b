import { nextMonthlyReset, planOfUser, quotaOf } from './quota';

describe('Serelo quota', () => {
  it('resets at the first instant of the next month (UTC)', () => {
    expect(nextMonthlyReset(new Date('2025-10-25T10:00:00Z')).toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(nextMonthlyReset(new Date('2025-12-31T23:59:59Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('gives the plan limits of the spec, unlimited on enterprise', () => {
    const now = new Date('2025-10-25T10:00:00Z');
    expect(quotaOf('pro', 32, now)).toEqual({
      postsUsed: 32,
      postsLimit: 200,
      resetDate: '2025-11-01T00:00:00.000Z',
    });
    expect(quotaOf('enterprise', 0, now).postsLimit).toBeNull();
  });

  it('puts every user on the free plan until subscriptions exist', () => {
    const plan = planOfUser('user_1', new Date('2025-10-25T10:00:00Z'));
    expect(plan).toEqual({
      subscriptionTier: 'free',
      quota: { postsUsed: 0, postsLimit: 10, resetDate: '2025-11-01T00:00:00.000Z' },
    });
  });
});
