import { plans } from '../billing/plans';
import { cycleOf, initialSubscriptionState } from '../billing/subscription';
import { quotaOf } from './quota';

describe('Serelo quota', () => {
  it('on free without a subscription, resets at the first instant of the next month (UTC)', () => {
    const free = initialSubscriptionState();
    expect(quotaOf(plans.free, 3, cycleOf(free, new Date('2025-10-25T10:00:00Z')))).toEqual({
      postsUsed: 3,
      postsLimit: 10,
      resetDate: '2025-11-01T00:00:00.000Z',
    });
    expect(cycleOf(free, new Date('2025-12-31T23:59:59Z')).end.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
  });

  it("on a paid plan, resets at its billing cycle's end, unlimited on enterprise", () => {
    const pro = {
      ...initialSubscriptionState(),
      status: 'active' as const,
      plan: 'pro' as const,
      cycleStart: '2025-10-05T09:00:00.000Z',
      cycleEnd: '2025-11-05T09:00:00.000Z',
    };
    expect(quotaOf(plans.pro, 32, cycleOf(pro, new Date('2025-10-25T10:00:00Z')))).toEqual({
      postsUsed: 32,
      postsLimit: 200,
      resetDate: '2025-11-05T09:00:00.000Z',
    });
    expect(quotaOf(plans.enterprise, 0, cycleOf(pro, new Date())).postsLimit).toBeNull();
  });
});
