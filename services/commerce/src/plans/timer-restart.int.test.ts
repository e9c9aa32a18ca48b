import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { anonymous } from '@seren/service-kit';
import { asCaller, graphql, startServiceChild, testServiceEnv } from '@seren/testing';
import { startCommerceService, type CommerceService } from '../service';
import { organizationPlanOf } from './queries';
import { changeOrganizationPlan } from './service';

// The downgrade's timer is Temporal's, not the process's: the service that scheduled it goes away
// before the period ends (stopped, or SIGKILLed with its worker mid-poll and its workflow cached),
// and the next one (same database, same task queue) applies it on time, once.

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

describe('a scheduled downgrade survives the process that scheduled it being SIGKILLed', () => {
  const env = testServiceEnv('commerce');
  let child: ChildProcess | undefined;
  let service: CommerceService | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await service?.close();
  });

  it('is applied once at the period end by the service started after the first one was killed', async () => {
    const organizationId = `org-${randomUUID()}`;
    // a child whose clock starts 10 s before the month's end: upgrades that late cost under Stripe's minimum
    const started = await startServiceChild({
      name: 'commerce',
      module: join(__dirname, 'test-support/clock-child.ts'),
      start: 'startCommerceAtClock',
      env: { ...env, COMMERCE_TEST_CLOCK: new Date(Date.UTC(2026, 11, 31, 23, 59, 50)).toISOString() },
    });
    child = started.child;
    // the child's clock reaches the period's end about 10 s after it listens
    const periodEndsAt = Date.now() + 10_000;
    const headers = await asCaller({
      subject: `user-${organizationId}`,
      organizationId,
      permissions: ['billing.read', 'billing.manage'],
    });
    const change = (planId: string) =>
      graphql<{ changeOrganizationPlan: { plan: { id: string }; pendingPlan: { id: string } | null } }>(
        started.url,
        `
          mutation ($plan: ID!) {
            changeOrganizationPlan(organizationId: "default", planId: $plan) {
              plan {
                id
              }
              pendingPlan {
                id
              }
            }
          }
        `,
        { plan: planId },
        headers,
      );
    expect((await change('launch')).data?.changeOrganizationPlan.plan.id).toBe('launch');
    const scheduled = await change('free');
    expect(scheduled.errors).toBeUndefined();
    expect(scheduled.data?.changeOrganizationPlan).toEqual({
      plan: { id: 'launch' },
      pendingPlan: { id: 'free' },
    });

    // killed while the timer runs: no shutdown, its worker and cached workflow gone at once
    expect(Date.now()).toBeLessThan(periodEndsAt - 1_000);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    service = await startCommerceService(env);
    const since = Date.now();
    let planId = 'launch';
    while (planId === 'launch' && Date.now() - since < 60_000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      planId = (await organizationPlanOf(service.application, organizationId, new Date())).plan.id;
    }
    expect(planId).toBe('free');
    // applied once: the stream holds one change to Free, after the schedule
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const { events } = await service.eventStore.readStream(`organization-plan-${organizationId}`);
    expect(events.map((e) => e.type)).toEqual([
      'OrganizationPlanChanged',
      'PlanDowngradeScheduled',
      'OrganizationPlanChanged',
    ]);
    expect(events[2]!.data).toMatchObject({ toPlanId: 'free' });
  }, 150_000);
});
