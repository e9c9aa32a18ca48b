import { specOf } from '@seren/testing';
import { subscriptionDecider } from './decide';
import {
  cycleOf,
  evolveSubscription,
  initialSubscriptionState,
  timerOf,
  type SubscriptionEvent,
} from './subscription';

const given = specOf(subscriptionDecider);
const u = 'u1';
const paidAt = '2026-01-31T10:00:00.000Z';

const checkout = (
  reference = 'ref1',
  plan: 'pro' | 'starter' | 'business' = 'pro',
  amountCents = 99_900,
): SubscriptionEvent => ({
  type: 'SubscriptionCheckoutStarted',
  data: {
    userId: u,
    subscriptionId: `sub_${reference}`,
    plan,
    reference,
    paymentMethod: 'card',
    amountCents,
    currency: 'ZAR',
    authorizationUrl: 'https://checkout.paystack.com/x',
    startedAt: paidAt,
  },
});
const activated = (
  reference = 'ref1',
  plan: 'pro' | 'business' = 'pro',
  previousPlan: 'free' | 'pro' = 'free',
  subscriptionCode: string | null = null,
): SubscriptionEvent => ({
  type: 'SubscriptionActivated',
  data: {
    userId: u,
    subscriptionId: `sub_${reference}`,
    plan,
    previousPlan,
    reference,
    customerCode: 'CUS_1',
    subscriptionCode,
    amountCents: plan === 'pro' ? 99_900 : 199_900,
    cycleStart: paidAt,
    cycleEnd: '2026-02-28T10:00:00.000Z',
    activatedAt: paidAt,
  },
});
const cancelled: SubscriptionEvent = {
  type: 'SubscriptionCancelled',
  data: {
    userId: u,
    subscriptionId: 'sub_ref1',
    plan: 'pro',
    endDate: '2026-02-28T10:00:00.000Z',
    by: 'user',
    cancelledAt: paidAt,
  },
};
const activate = (reference = 'ref1', amountCents = 99_900) =>
  ({
    type: 'ActivateSubscription',
    userId: u,
    reference,
    customerCode: 'CUS_1',
    amountCents,
    paidAt,
  }) as const;

describe('a Serelo subscription (one stream per user)', () => {
  it('activates a paid checkout with a monthly cycle from the payment (Jan 31 + 1 month = Feb 28)', () =>
    given([checkout()]).when(activate()).then([activated()]));

  it('applies a charge once: a replayed charge.success decides nothing', () =>
    given([checkout(), activated()]).when(activate()).thenNothing());

  it('refuses a charge below the plan price', () =>
    given([checkout()])
      .when(activate('ref1', 100))
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'PAYMENT_NOT_VERIFIED' }));

  it('upgrades mid-cycle at once, keeping the cycle (and so its posts used)', () =>
    given([checkout(), activated(), checkout('ref2', 'business', 199_900)])
      .when(activate('ref2', 199_900))
      .then([activated('ref2', 'business', 'pro')]));

  it('schedules a downgrade for the cycle end and applies it there', () => {
    given([checkout(), activated()])
      .when({ type: 'ScheduleDowngrade', userId: u, plan: 'starter', now: paidAt })
      .then([
        {
          type: 'SubscriptionDowngradeScheduled',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            fromPlan: 'pro',
            toPlan: 'starter',
            effectiveAt: '2026-02-28T10:00:00.000Z',
            scheduledAt: paidAt,
          },
        },
      ]);
    const downgrade: SubscriptionEvent = {
      type: 'SubscriptionDowngradeScheduled',
      data: {
        userId: u,
        subscriptionId: 'sub_ref1',
        fromPlan: 'pro',
        toPlan: 'starter',
        effectiveAt: '2026-02-28T10:00:00.000Z',
        scheduledAt: paidAt,
      },
    };
    given([checkout(), activated(), downgrade])
      .when({ type: 'ClosePeriod', userId: u, kind: 'cycle_end', at: '2026-02-28T10:00:00.000Z' })
      .then([
        {
          type: 'SubscriptionCycleStarted',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'starter',
            previousPlan: 'pro',
            cycleStart: '2026-02-28T10:00:00.000Z',
            cycleEnd: '2026-03-28T10:00:00.000Z',
          },
        },
      ]);
  });

  it('refuses the plan already held, and a cancel without a paid plan', () => {
    given([checkout(), activated()])
      .when({
        type: 'StartCheckout',
        userId: u,
        subscriptionId: 's',
        plan: 'pro',
        reference: 'ref9',
        paymentMethod: 'card',
        amountCents: 99_900,
        authorizationUrl: 'x',
        now: paidAt,
      })
      .thenThrows({ code: 'CONFLICT', reason: 'ALREADY_SUBSCRIBED' });
    given([])
      .when({ type: 'CancelSubscription', userId: u, by: 'user', now: paidAt })
      .thenThrows({ code: 'CONFLICT', reason: 'NO_ACTIVE_SUBSCRIPTION' });
  });

  it('cancels until the end of the cycle, once; the end of the cycle then ends it', () => {
    given([checkout(), activated()])
      .when({ type: 'CancelSubscription', userId: u, by: 'user', now: paidAt })
      .then([cancelled]);
    given([checkout(), activated(), cancelled])
      .when({ type: 'CancelSubscription', userId: u, by: 'paystack', now: paidAt })
      .thenNothing();
    given([checkout(), activated(), cancelled])
      .when({ type: 'ClosePeriod', userId: u, kind: 'cycle_end', at: '2026-02-28T10:00:00.000Z' })
      .then([
        {
          type: 'SubscriptionEnded',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'pro',
            reason: 'cancelled',
            endedAt: '2026-02-28T10:00:00.000Z',
          },
        },
      ]);
  });

  it('ignores a stale timer (a period already closed)', () =>
    given([checkout(), activated()])
      .when({ type: 'ClosePeriod', userId: u, kind: 'cycle_end', at: '2026-01-01T00:00:00.000Z' })
      .thenNothing());

  it('puts a failed renewal past_due with a grace period, which ends it unless a charge recovers it', () => {
    const failedAt = '2026-02-28T11:00:00.000Z';
    const failed: SubscriptionEvent = {
      type: 'SubscriptionPaymentFailed',
      data: {
        userId: u,
        subscriptionId: 'sub_ref1',
        plan: 'pro',
        graceEndsAt: '2026-03-07T11:00:00.000Z',
        failedAt,
      },
    };
    given([checkout(), activated()])
      .when({ type: 'RecordPaymentFailed', userId: u, subscriptionCode: null, now: failedAt })
      .then([failed]);
    given([checkout(), activated(), failed])
      .when({ type: 'ClosePeriod', userId: u, kind: 'grace_end', at: '2026-03-07T11:00:00.000Z' })
      .then([
        {
          type: 'SubscriptionEnded',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'pro',
            reason: 'payment_failed',
            endedAt: '2026-03-07T11:00:00.000Z',
          },
        },
      ]);
    given([checkout(), activated(), failed])
      .when({ type: 'RecordRenewalCharge', userId: u, reference: 'renewal1', now: failedAt })
      .then([
        {
          type: 'SubscriptionPaymentRecovered',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'pro',
            reference: 'renewal1',
            recoveredAt: failedAt,
          },
        },
      ]);
  });

  const downgradeScheduled: SubscriptionEvent = {
    type: 'SubscriptionDowngradeScheduled',
    data: {
      userId: u,
      subscriptionId: 'sub_ref1',
      fromPlan: 'pro',
      toPlan: 'starter',
      effectiveAt: '2026-02-28T10:00:00.000Z',
      scheduledAt: paidAt,
    },
  };
  const withdrawn: SubscriptionEvent = {
    type: 'SubscriptionDowngradeCancelled',
    data: {
      userId: u,
      subscriptionId: 'sub_ref1',
      plan: 'pro',
      cancelledPlan: 'starter',
      cancelledAt: paidAt,
    },
  };

  it('takes back a scheduled downgrade when the plan held is asked for again; the cycle end then renews that plan', () => {
    given([checkout(), activated(), downgradeScheduled])
      .when({ type: 'CancelDowngrade', userId: u, plan: 'pro', now: paidAt })
      .then([withdrawn]);
    given([checkout(), activated(), downgradeScheduled, withdrawn])
      .when({ type: 'CancelDowngrade', userId: u, plan: 'pro', now: paidAt })
      .thenNothing();
    given([checkout(), activated(), downgradeScheduled, withdrawn])
      .when({ type: 'ClosePeriod', userId: u, kind: 'cycle_end', at: '2026-02-28T10:00:00.000Z' })
      .then([
        {
          type: 'SubscriptionCycleStarted',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'pro',
            previousPlan: 'pro',
            cycleStart: '2026-02-28T10:00:00.000Z',
            cycleEnd: '2026-03-28T10:00:00.000Z',
          },
        },
      ]);
    // without a scheduled downgrade the plan held is still refused
    given([checkout(), activated()])
      .when({ type: 'CancelDowngrade', userId: u, plan: 'business', now: paidAt })
      .thenThrows({ code: 'CONFLICT', reason: 'ALREADY_SUBSCRIBED' });
  });

  it('a cancel while past_due ends the plan at the grace end, not the cycle end', () => {
    const failed: SubscriptionEvent = {
      type: 'SubscriptionPaymentFailed',
      data: {
        userId: u,
        subscriptionId: 'sub_ref1',
        plan: 'pro',
        graceEndsAt: '2026-02-07T10:00:00.000Z',
        failedAt: paidAt,
      },
    };
    const cancelledPastDue: SubscriptionEvent = {
      type: 'SubscriptionCancelled',
      data: {
        userId: u,
        subscriptionId: 'sub_ref1',
        plan: 'pro',
        endDate: '2026-02-07T10:00:00.000Z',
        by: 'user',
        cancelledAt: paidAt,
      },
    };
    given([checkout(), activated(), failed])
      .when({ type: 'CancelSubscription', userId: u, by: 'user', now: paidAt })
      .then([cancelledPastDue]);
    const state = [checkout(), activated(), failed, cancelledPastDue].reduce(
      evolveSubscription,
      initialSubscriptionState(),
    );
    expect(timerOf(state)).toEqual({ kind: 'cycle_end', at: '2026-02-07T10:00:00.000Z' });
    given([checkout(), activated(), failed, cancelledPastDue])
      .when({ type: 'ClosePeriod', userId: u, kind: 'cycle_end', at: '2026-02-07T10:00:00.000Z' })
      .then([
        {
          type: 'SubscriptionEnded',
          data: {
            userId: u,
            subscriptionId: 'sub_ref1',
            plan: 'pro',
            reason: 'cancelled',
            endedAt: '2026-02-07T10:00:00.000Z',
          },
        },
      ]);
  });
});

describe('linking the Paystack subscription (Paystack does not order its events)', () => {
  const link = (plan: 'pro' | 'business' | null, code = 'SUB_1') =>
    ({
      type: 'LinkPaystackSubscription',
      userId: u,
      subscriptionCode: code,
      plan,
      nextPaymentDate: null,
      now: paidAt,
    }) as const;
  const linked = (subscriptionId: string, plan: 'pro' | 'business', code = 'SUB_1'): SubscriptionEvent => ({
    type: 'PaystackSubscriptionLinked',
    data: {
      userId: u,
      subscriptionId,
      plan,
      subscriptionCode: code,
      nextPaymentDate: null,
      linkedAt: paidAt,
    },
  });

  it('links the active plan, once', () => {
    given([checkout(), activated()])
      .when(link('pro'))
      .then([linked('sub_ref1', 'pro')]);
    given([checkout(), activated(), linked('sub_ref1', 'pro')])
      .when(link('pro'))
      .thenNothing();
  });

  it('keeps a code reported before its charge for the checkout, and the charge carries it', () => {
    given([checkout()])
      .when(link('pro'))
      .then([linked('sub_ref1', 'pro')]);
    given([checkout(), linked('sub_ref1', 'pro')])
      .when(activate())
      .then([activated('ref1', 'pro', 'free', 'SUB_1')]);
  });

  it("during an upgrade, links the new plan's subscription to its checkout, not to the current plan", () =>
    given([checkout(), activated(), linked('sub_ref1', 'pro'), checkout('ref2', 'business', 199_900)])
      .when(link('business', 'SUB_2'))
      .then([linked('sub_ref2', 'business', 'SUB_2')]));
});

describe('billing cycles', () => {
  it('after a subscription ended, the free cycles are monthly from its end', () => {
    const state = { ...initialSubscriptionState(), freeSince: '2026-02-28T10:00:00.000Z' };
    expect(cycleOf(state, new Date('2026-01-01T00:00:00Z')).period).toBe('2026-02-28T10:00:00.000Z'); // before it (time-skipped)
    expect(cycleOf(state, new Date('2026-04-01T00:00:00Z'))).toEqual({
      period: '2026-03-28T10:00:00.000Z',
      start: new Date('2026-03-28T10:00:00.000Z'),
      end: new Date('2026-04-28T10:00:00.000Z'),
    });
  });
});
