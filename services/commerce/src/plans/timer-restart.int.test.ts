import { randomUUID } from 'node:crypto';
import { anonymous } from '@seren/service-kit';
import { testServiceEnv } from '@seren/testing';
import { startCommerceService, type CommerceService } from '../service';
import { organizationPlanOf } from './queries';
import { changeOrganizationPlan } from './service';

// The downgrade's timer is Temporal's, not the process's: the service that scheduled it goes away
// before the period ends, and the next one (same database, same task queue) applies it on time.

describe('a scheduled downgrade survives the service that scheduled it', () => {
  const env = testServiceEnv('commerce');
  let service: CommerceService | undefined;
  afterAll(async () => {
    await service?.close();
  });

  it('is applied at the period end by a service started after the first one stopped', async () => {
    const organizationId = `org-${randomUUID()}`;
    const request = {
      caller: {
        ...anonymous,
        kind: 'user' as const,
        subject: `user-${organizationId}`,
        organizationId,
        permissions: ['billing.manage'],
      },
    };
    service = await startCommerceService(env);
    // on Launch without a charge: the upgrade falls on the month's last second, under Stripe's minimum
    service.application.now = () => new Date(Date.UTC(2026, 11, 31, 23, 59, 59, 900));
    await changeOrganizationPlan(service.application, request, 'default', { planId: 'launch' });
    service.application.now = () => new Date(Date.UTC(2026, 11, 31, 23, 59, 54));
    const scheduled = await changeOrganizationPlan(service.application, request, 'default', {
      planId: 'free',
    });
    expect(scheduled).toMatchObject({ plan: { id: 'launch' }, pendingPlan: { id: 'free' } });
    await service.close();
    service = undefined;

    await new Promise((resolve) => setTimeout(resolve, 2_000));
    service = await startCommerceService(env);
    const started = Date.now();
    let planId = 'launch';
    while (planId === 'launch' && Date.now() - started < 40_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      planId = (await organizationPlanOf(service.application, organizationId, new Date())).plan.id;
    }
    expect(planId).toBe('free');
  }, 90_000);
});
