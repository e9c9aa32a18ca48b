import { specOf } from '@seren/testing';
import { planOf, prorationCents, periodOf } from './catalog';
import { organizationPlanDecider } from './decide';
import type { OrganizationPlanEvent } from './plan';

const given = specOf(organizationPlanDecider);
const now = '2026-12-16T00:00:00.000Z';
const change = {
  type: 'ChangePlan' as const,
  organizationId: 'o1',
  by: 'u1',
  now,
  changeId: 'c1',
  effectiveAt: '2027-01-01T00:00:00.000Z',
  workflowId: 'wf-c1',
  prorationCents: 2529,
  paymentIntentId: 'pi_1',
  stripePaymentMethodId: 'pm_1',
};
const upgraded: OrganizationPlanEvent = {
  type: 'OrganizationPlanChanged',
  data: {
    organizationId: 'o1',
    fromPlanId: 'free',
    toPlanId: 'launch',
    prorationCents: 2529,
    paymentIntentId: 'pi_1',
    stripePaymentMethodId: 'pm_1',
    changeId: null,
    changedBy: 'u1',
    changedAt: now,
  },
};
const scheduled: OrganizationPlanEvent = {
  type: 'PlanDowngradeScheduled',
  data: {
    organizationId: 'o1',
    changeId: 'c1',
    fromPlanId: 'launch',
    toPlanId: 'free',
    effectiveAt: '2027-01-01T00:00:00.000Z',
    workflowId: 'wf-c1',
    scheduledBy: 'u1',
    scheduledAt: now,
  },
};

describe('organization plans', () => {
  it('upgrades at once with its proration', () =>
    given([])
      .when({ ...change, toPlanId: 'launch' })
      .then([upgraded]));

  it('schedules a downgrade for the end of the period', () =>
    given([upgraded])
      .when({ ...change, toPlanId: 'free' })
      .then([scheduled]));

  it('does nothing when asked for the plan it is on', () =>
    given([])
      .when({ ...change, toPlanId: 'free' })
      .thenNothing());

  it('drops a pending downgrade when asked for the current plan again', () =>
    given([upgraded, scheduled])
      .when({ ...change, toPlanId: 'launch', changeId: 'c2' })
      .then([
        {
          type: 'PlanDowngradeCancelled',
          data: { organizationId: 'o1', changeId: 'c1', cancelledBy: 'u1', cancelledAt: now },
        },
      ]));

  it('refuses an unknown plan with NOT_FOUND', () =>
    given([])
      .when({ ...change, toPlanId: 'platinum' })
      .thenThrows({ code: 'NOT_FOUND' }));

  it('applies only the schedule the timer was started for', () => {
    const at = '2027-01-01T00:00:00.000Z';
    given([upgraded, scheduled])
      .when({ type: 'ApplyScheduledDowngrade', organizationId: 'o1', changeId: 'c1', now: at })
      .then([
        {
          type: 'OrganizationPlanChanged',
          data: {
            organizationId: 'o1',
            fromPlanId: 'launch',
            toPlanId: 'free',
            prorationCents: 0,
            paymentIntentId: null,
            stripePaymentMethodId: null,
            changeId: 'c1',
            changedBy: 'system',
            changedAt: at,
          },
        },
      ]);
    given([upgraded, scheduled])
      .when({ type: 'ApplyScheduledDowngrade', organizationId: 'o1', changeId: 'stale', now: at })
      .thenNothing();
  });
});

describe('proration', () => {
  it('charges the price difference for the share of the calendar month left, in whole cents', () => {
    const launch = planOf('launch')!;
    const scale = planOf('scale')!;
    expect(prorationCents(planOf('free')!, launch, new Date('2026-12-01T00:00:00.000Z'))).toBe(4900);
    expect(prorationCents(launch, scale, new Date('2026-12-16T00:00:00.000Z'))).toBe(
      Math.round((15000 * 16) / 31),
    );
    expect(prorationCents(scale, launch, new Date('2026-12-16T00:00:00.000Z'))).toBe(0);
    expect(periodOf(new Date('2026-02-10T12:00:00.000Z'))).toEqual({
      start: new Date('2026-02-01T00:00:00.000Z'),
      end: new Date('2026-03-01T00:00:00.000Z'),
    });
  });
});
