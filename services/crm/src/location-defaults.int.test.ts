import { anonymous } from '@seren/service-kit';
import { testServiceEnv } from '@seren/testing';
import { locationDefaultsConsumer } from './location-defaults';
import { listCalendars } from './calendars/service';
import { listPipelines } from './pipelines/service';
import { startCrmService, type CrmService } from './service';

// The default pipeline and calendar of a location, on the real PostgreSQL: identity's event
// delivered twice and a first read racing it still leave exactly one of each.
describe("a location's defaults", () => {
  let service: CrmService;
  beforeAll(async () => {
    service = await startCrmService(testServiceEnv('crm'));
  });
  afterAll(() => service?.close());

  it('are created once, whether the event comes twice or a read gets there first', async () => {
    const locationId = `loc-${Date.now().toString(36)}`;
    const consumer = locationDefaultsConsumer(service.application, 'unused');
    const event = {
      id: `evt-${locationId}`,
      type: 'OrganizationCreated',
      data: {
        organizationId: locationId,
        kind: 'location',
        name: 'North',
        parentOrganizationId: 'agency',
        ownerUserId: 'u',
        createdAt: new Date().toISOString(),
      },
    };
    const request = {
      caller: {
        ...anonymous,
        kind: 'agent' as const,
        subject: 'key',
        organizationId: locationId,
        authClass: 'Location' as const,
        resourceId: locationId,
      },
      requestId: 'test',
    };
    const deliver = () =>
      service.dataSource.transaction((manager) => consumer.handler(event as never, { manager } as never));
    const [, , pipelines, calendars] = await Promise.all([
      deliver(),
      deliver(),
      listPipelines(service.application, request),
      listCalendars(service.application, request),
    ]);
    expect(pipelines.map((p) => p.isDefault)).toEqual([true]);
    expect(calendars.map((c) => c.isDefault)).toEqual([true]);
    await deliver();
    const events: { type: string }[] = await service.dataSource.query(
      `select type from events where data->>'locationId' = $1 order by type`,
      [locationId],
    );
    expect(events.map((e) => e.type)).toEqual(['CalendarCreated', 'PipelineCreated']);
    // another kind of organization gets nothing
    await service.dataSource.transaction((manager) =>
      consumer.handler(
        {
          ...event,
          id: 'evt-agency',
          data: { ...event.data, organizationId: `${locationId}-agency`, kind: 'agency' },
        } as never,
        { manager } as never,
      ),
    );
    const none: unknown[] = await service.dataSource.query(`select 1 from pipelines where location_id = $1`, [
      `${locationId}-agency`,
    ]);
    expect(none).toEqual([]);
  });
});
