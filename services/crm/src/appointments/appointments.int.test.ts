import { asCaller, graphql, testServiceEnv } from '@seren/testing';
import { startCrmService, type CrmService } from '../service';

// The crm subgraph's appointments on the real PostgreSQL: a staff member cannot be double-booked,
// even by concurrent bookings of one slot (the exclusion constraint decides, not a read before the
// write); back-to-back slots, another staff member and a cancelled booking's slot are free.
describe('crm subgraph: appointments', () => {
  let service: CrmService;
  const location = `loc-${Date.now().toString(36)}`;
  const as = (organizationId: string) =>
    asCaller({
      subject: 'key-1',
      kind: 'agent',
      via: 'api_key',
      authClass: 'Location',
      organizationId,
      resourceId: organizationId,
    });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const run = async <T = Record<string, any>>(organizationId: string, query: string, variables = {}) =>
    graphql<T>(service.url, query, variables, await as(organizationId));
  let contactId: string;
  let calendarId: string;

  const book = (input: Record<string, unknown>) =>
    run(
      location,
      `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id startTime endTime assignedUserId appointmentStatus } }`,
      { i: { calendarId, contactId, ...input } },
    );

  beforeAll(async () => {
    service = await startCrmService(testServiceEnv('crm'));
    const contact = await run(
      location,
      `mutation { createContact(input: { email: "pat@example.com" }) { id } }`,
    );
    contactId = contact.data!.createContact.id;
    const calendars = await run(location, `{ calendars { id isDefault slotDuration } }`);
    expect(calendars.data!.calendars).toEqual([
      { id: expect.any(String), isDefault: true, slotDuration: 30 },
    ]);
    calendarId = calendars.data!.calendars[0].id;
  });
  afterAll(() => service?.close());

  it('books one of ten concurrent bookings of one slot; the other nine are CONFLICT', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        book({
          assignedUserId: 'staff-1',
          // overlapping, not identical: 10:00-11:00, 10:05-11:05, ...
          startTime: `2026-12-10T10:${String(i * 5).padStart(2, '0')}:00Z`,
          endTime: `2026-12-10T11:${String(i * 5).padStart(2, '0')}:00Z`,
        }),
      ),
    );
    const booked = results.filter((r) => !r.errors);
    const refused = results.filter((r) => r.errors);
    expect(booked).toHaveLength(1);
    expect(refused.map((r) => r.errors![0]!.extensions)).toEqual(
      Array.from({ length: 9 }, () =>
        expect.objectContaining({ code: 'CONFLICT', reason: 'STAFF_DOUBLE_BOOKED' }),
      ),
    );
    const rows: unknown[] = await service.dataSource.query(
      `select 1 from appointments where location_id = $1 and assigned_user_id = 'staff-1'`,
      [location],
    );
    expect(rows).toHaveLength(1);
    // the refused bookings left no event behind
    const events: unknown[] = await service.dataSource.query(
      `select 1 from events where type = 'AppointmentBooked'`,
    );
    expect(events).toHaveLength(1);
  });

  it('books back-to-back slots, and another staff member at the same time', async () => {
    const first = await book({
      assignedUserId: 'staff-2',
      startTime: '2026-12-11T09:00:00+01:00',
      endTime: '2026-12-11T09:30:00+01:00',
    });
    expect(first.errors).toBeUndefined();
    expect(first.data!.bookAppointment).toMatchObject({
      startTime: '2026-12-11T08:00:00.000Z',
      endTime: '2026-12-11T08:30:00.000Z',
      appointmentStatus: 'confirmed',
    });
    // no end: one slot of the calendar (30 minutes)
    const next = await book({ assignedUserId: 'staff-2', startTime: '2026-12-11T08:30:00Z' });
    expect(next.data?.bookAppointment).toMatchObject({ endTime: '2026-12-11T09:00:00.000Z' });
    const other = await book({ assignedUserId: 'staff-3', startTime: '2026-12-11T08:00:00Z' });
    expect(other.errors).toBeUndefined();
  });

  it("frees a cancelled booking's slot, and refuses a move onto a taken one", async () => {
    const a = await book({
      assignedUserId: 'staff-4',
      startTime: '2026-12-12T10:00:00Z',
      endTime: '2026-12-12T11:00:00Z',
    });
    const b = await book({
      assignedUserId: 'staff-4',
      startTime: '2026-12-12T12:00:00Z',
      endTime: '2026-12-12T13:00:00Z',
    });
    const move = await run(
      location,
      `mutation($id: ID!) { updateAppointment(id: $id, input: { startTime: "2026-12-12T10:30:00Z" }) { id } }`,
      { id: b.data!.bookAppointment.id },
    );
    expect(move.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'STAFF_DOUBLE_BOOKED' });
    const cancelled = await run(
      location,
      `mutation($id: ID!) { cancelAppointment(id: $id) { appointmentStatus } }`,
      {
        id: a.data!.bookAppointment.id,
      },
    );
    expect(cancelled.data!.cancelAppointment.appointmentStatus).toBe('cancelled');
    const retry = await book({
      assignedUserId: 'staff-4',
      startTime: '2026-12-12T10:00:00Z',
      endTime: '2026-12-12T11:00:00Z',
    });
    expect(retry.errors).toBeUndefined();
  });

  it("lists every bad field at once, and refuses another location's contact and calendar", async () => {
    const bad = await book({
      assignedUserId: 'staff-5',
      startTime: '2026-12-13T10:00:00',
      endTime: 'soon',
      appointmentStatus: 'maybe',
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe('VALIDATION_ERROR');
    const fields = (bad.errors![0]!.extensions!.fields as { field: string }[]).map((f) => f.field).sort();
    expect(fields).toEqual(['appointmentStatus', 'endTime', 'startTime']);
    const elsewhere = await run(
      `${location}-other`,
      `mutation($i: BookAppointmentInput!) { bookAppointment(input: $i) { id } }`,
      { i: { calendarId, contactId, assignedUserId: 'staff-5', startTime: '2026-12-13T10:00:00Z' } },
    );
    const otherFields = (elsewhere.errors![0]!.extensions!.fields as { field: string }[])
      .map((f) => f.field)
      .sort();
    expect(otherFields).toEqual(['calendarId', 'contactId']);
  });

  it('lists by range, staff and calendar, earliest first, by cursor', async () => {
    const page = await run(
      location,
      `{ appointments(filter: { startTime: "2026-12-11T00:00:00Z", endTime: "2026-12-12T00:00:00Z" }, limit: 2) {
           items { assignedUserId startTime } meta { total nextPage startAfter startAfterId } } }`,
    );
    const { items, meta } = page.data!.appointments;
    expect(meta).toMatchObject({ total: 3, nextPage: 2 });
    expect(items.map((i: { startTime: string }) => i.startTime)).toEqual([
      '2026-12-11T08:00:00.000Z',
      '2026-12-11T08:00:00.000Z',
    ]);
    const rest = await run(
      location,
      `query($a: Float, $id: ID) { appointments(filter: { startTime: "1733875200000", endTime: "2026-12-12T00:00:00Z" }, limit: 2, startAfter: $a, startAfterId: $id) {
           items { startTime } meta { total nextPage } } }`,
      { a: meta.startAfter, id: meta.startAfterId },
    );
    expect(rest.data!.appointments.items).toEqual([{ startTime: '2026-12-11T08:30:00.000Z' }]);
    expect(rest.data!.appointments.meta.nextPage).toBeNull();
    const staff = await run(
      location,
      `{ appointments(filter: { assignedUserId: "staff-3" }) { items { assignedUserId } } }`,
    );
    expect(staff.data!.appointments.items).toEqual([{ assignedUserId: 'staff-3' }]);
  });

  it("extends identity's Organization with its records, for the caller's own location only", async () => {
    const query = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization {
      calendars { isDefault } pipelines { isDefault } appointments { meta { total } } opportunities { meta { total } } } } }`;
    const own = await run(location, query, { r: [{ __typename: 'Organization', id: location }] });
    expect(own.data!._entities[0]).toMatchObject({
      calendars: [{ isDefault: true }],
      pipelines: [{ isDefault: true }],
      appointments: { meta: { total: expect.any(Number) } },
      opportunities: { meta: { total: 0 } },
    });
    expect(own.data!._entities[0].appointments.meta.total).toBeGreaterThan(0);
    const other = await run(location, query, {
      r: [{ __typename: 'Organization', id: `${location}-other` }],
    });
    expect(other.data!._entities[0]).toEqual({
      calendars: [],
      pipelines: [],
      appointments: { meta: expect.objectContaining({ total: 0 }) },
      opportunities: { meta: expect.objectContaining({ total: 0 }) },
    });
  });
});
