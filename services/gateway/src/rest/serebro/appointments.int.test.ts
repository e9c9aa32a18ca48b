import { HighLevel } from '@gohighlevel/api-client';
import { waitForEvent } from '@seren/testing';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';
import { eventuallyValue, serebroRecords } from '../../test-support/serebro-records';

// Serebro §3.3 appointments through the gateway, against the real identity, crm, PostgreSQL and
// Kafka: the default calendar a location gets from identity's event, the spec's rows on v1 and v2
// (service and staff under the spec's names), no double booking under concurrent requests (409),
// HighLevel's calendar paths with the official SDK, the events on Kafka, and the tenancy rule over
// every row.

describe('Serebro appointments', () => {
  let s: RestSuite;
  let oauth: SerebroOAuth;
  let records: ReturnType<typeof serebroRecords>;
  let north: string;
  let south: string;
  let northKey: string;
  let agencyKey: string;
  let northPit: string;
  let contactId: string;
  let calendarId: string;

  beforeAll(async () => {
    oauth = await startSerebroOAuth({
      user: 'bookings',
      agency: 'Bookings Agency',
      locations: ['North', 'South'],
    });
    ({ s } = oauth);
    [north, south] = oauth.locations as [string, string];
    records = serebroRecords(oauth);
    [northKey, agencyKey, northPit, contactId] = await Promise.all([
      records.apiKey(north),
      records.apiKey(oauth.agencyId),
      records.pit(north, ['calendars.readonly', 'calendars/events.write', 'calendars.write']),
      records.contact(north, 'patient@example.com'),
    ]);
  }, 90_000);
  afterAll(() => s?.close());

  it("gives each new location its default calendar from identity's event, before anyone asks", async () => {
    const rows = await eventuallyValue(async () => {
      const found: { name: string; slot_duration_minutes: number }[] = await s.crm.dataSource.query(
        `select name, slot_duration_minutes from calendars where location_id = $1 and is_default`,
        [south],
      );
      return found.length > 0 ? found : undefined;
    });
    expect(rows).toEqual([{ name: 'Default Calendar', slot_duration_minutes: 30 }]);
    const listed = await s.serebro('GET', '/v2/calendars/', { token: northPit });
    expect(listed.status).toBe(200);
    expect(listed.body.calendars).toEqual([
      {
        id: expect.any(String),
        locationId: north,
        name: 'Default Calendar',
        description: null,
        isActive: true,
        teamMembers: [],
        slotDuration: 30,
        slotDurationUnit: 'mins',
        isDefault: true,
      },
    ]);
    calendarId = listed.body.calendars[0].id;
  });

  it('v1: books with the spec names (service, staff), lists by range and staff, and cancels', async () => {
    const booked = await s.serebro('POST', '/appointments', {
      token: northKey,
      body: {
        contactId,
        serviceId: calendarId,
        staffId: 'staff-1',
        startTime: '2026-12-20T10:00:00+01:00',
        endTime: '2026-12-20T11:00:00+01:00',
        title: 'Check-up',
      },
    });
    expect(booked.status).toBe(201);
    expect(booked.body.appointment).toEqual({
      id: expect.any(String),
      calendarId,
      locationId: north,
      contactId,
      assignedUserId: 'staff-1',
      title: 'Check-up',
      address: null,
      notes: null,
      startTime: '2026-12-20T09:00:00.000Z',
      endTime: '2026-12-20T10:00:00.000Z',
      appointmentStatus: 'confirmed',
      dateAdded: expect.any(String),
      dateUpdated: expect.any(String),
    });
    const id = booked.body.appointment.id;
    // read back by id, as HighLevel's v1 Get Appointment (and on v2 at the same path)
    for (const [prefix, token] of [
      ['', northKey],
      ['/v2', northPit],
    ] as const) {
      const got = await s.serebro('GET', `${prefix}/appointments/${id}`, { token });
      expect({ prefix, status: got.status, body: got.body }).toEqual({
        prefix,
        status: 200,
        body: { appointment: booked.body.appointment },
      });
    }
    const missing = await s.serebro('GET', '/appointments/no-such-appointment', { token: northKey });
    expect(missing.status).toBe(404);

    const overlap = await s.serebro('POST', '/appointments', {
      token: northKey,
      body: {
        contactId,
        calendarId,
        assignedUserId: 'staff-1',
        startTime: '2026-12-20T09:30:00Z',
        endTime: '2026-12-20T10:30:00Z',
      },
    });
    expect(overlap.status).toBe(409);
    expect(overlap.body).toMatchObject({ statusCode: 409, error: { code: 'STAFF_DOUBLE_BOOKED' } });

    const listed = await s.serebro(
      'GET',
      `/appointments?startTime=2026-12-20T00:00:00Z&endTime=2026-12-21T00:00:00Z&staffId=staff-1&serviceId=${calendarId}`,
      { token: northKey },
    );
    expect(listed.status).toBe(200);
    expect(listed.body.appointments.map((a: { id: string }) => a.id)).toEqual([id]);
    expect(listed.body.meta).toMatchObject({ total: 1, nextPageUrl: null });

    const cancelled = await s.serebro('DELETE', `/appointments/${id}`, { token: northKey });
    expect({ status: cancelled.status, body: cancelled.body }).toEqual({
      status: 200,
      body: { succeded: true },
    });
    const after = await s.serebro('GET', `/appointments?staffId=staff-1`, { token: northKey });
    expect(after.body.appointments).toEqual([
      expect.objectContaining({ id, appointmentStatus: 'cancelled' }),
    ]);
    // the slot is free again
    expect(
      (
        await s.serebro('POST', '/appointments', {
          token: northKey,
          body: {
            contactId,
            calendarId,
            assignedUserId: 'staff-1',
            startTime: '2026-12-20T09:30:00Z',
            endTime: '2026-12-20T10:30:00Z',
          },
        })
      ).status,
    ).toBe(201);

    const bookedEvent = await waitForEvent(
      'crm.appointment',
      (e) => e.type === 'AppointmentBooked' && e.key === `appointment-${id}`,
    );
    expect(bookedEvent.data).toMatchObject({
      appointmentId: id,
      locationId: north,
      assignedUserId: 'staff-1',
      calendarId,
    });
    await waitForEvent(
      'crm.appointment',
      (e) => e.type === 'AppointmentCancelled' && e.key === `appointment-${id}`,
    );
  });

  it('books one of eight concurrent requests for one staff member and slot; the others are 409', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        s.serebro('POST', '/appointments', {
          token: northKey,
          body: {
            contactId,
            serviceId: calendarId,
            staffId: 'staff-busy',
            startTime: '2026-12-21T14:00:00Z',
            endTime: '2026-12-21T14:45:00Z',
          },
        }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
  });

  it('needs contact, service, staff, start and end on the spec path, and says which are missing', async () => {
    const missing = await s.serebro('POST', '/appointments', {
      token: northKey,
      body: { contactId, startTime: '2026-12-22T10:00:00Z' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'body.endTime',
      'body.serviceId',
      'body.staffId',
    ]);
    const wrong = await s.serebro('POST', '/appointments', {
      token: northKey,
      body: {
        contactId: 'nobody',
        serviceId: 'no-calendar',
        staffId: 'staff-1',
        startTime: '2026-12-22T10:00:00',
        endTime: '2026-12-22T09:00:00Z',
      },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      'calendarId',
      'contactId',
      'startTime',
    ]);
  });

  it("v2 with HighLevel's SDK: creates a calendar, books, gets, reschedules, lists and deletes an event", async () => {
    const ghl = new HighLevel({ privateIntegrationToken: northPit, logLevel: 'none' });
    ghl.getHttpClient().defaults.baseURL = `${s.gateway.listeners.serebro.url}/v2`;
    const { calendar } = await ghl.calendars.createCalendar({
      locationId: north,
      name: 'Consultations',
      teamMembers: [{ userId: 'staff-sdk' }] as never,
      slotDuration: 20,
    } as never);
    expect(calendar).toMatchObject({
      name: 'Consultations',
      teamMembers: [{ userId: 'staff-sdk' }],
      slotDuration: 20,
    });
    const { calendars } = await ghl.calendars.getCalendars({ locationId: north });
    expect(calendars!.map((c) => c.name)).toEqual(['Default Calendar', 'Consultations']);

    // no staff and no end: the calendar's team member, for one slot
    const created = await ghl.calendars.createAppointment({
      calendarId: calendar.id,
      locationId: north,
      contactId,
      startTime: '2026-12-23T15:00:00+00:00',
      title: 'Intro call',
    });
    expect(created).toMatchObject({
      calendarId: calendar.id,
      assignedUserId: 'staff-sdk',
      startTime: '2026-12-23T15:00:00.000Z',
      endTime: '2026-12-23T15:20:00.000Z',
      appointmentStatus: 'confirmed',
    });
    const { event } = await ghl.calendars.getAppointment({ eventId: created.id });
    expect(event).toMatchObject({ id: created.id, title: 'Intro call' });
    const moved = await ghl.calendars.editAppointment(
      { eventId: created.id },
      { startTime: '2026-12-23T16:00:00Z', appointmentStatus: 'showed' },
    );
    expect(moved).toMatchObject({
      startTime: '2026-12-23T16:00:00.000Z',
      endTime: '2026-12-23T16:20:00.000Z',
      appointmentStatus: 'showed',
    });
    const { events } = await ghl.calendars.getCalendarEvents({
      locationId: north,
      calendarId: calendar.id,
      startTime: String(Date.parse('2026-12-23T00:00:00Z')),
      endTime: String(Date.parse('2026-12-24T00:00:00Z')),
    });
    expect(events!.map((e) => e.id)).toEqual([created.id]);
    expect(await ghl.calendars.deleteEvent({ eventId: created.id }, {})).toEqual({ succeeded: true });
    await expect(ghl.calendars.getAppointment({ eventId: created.id })).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('an agency key books in the location it names; another location cannot see it', async () => {
    const booked = await s.serebro('POST', '/appointments', {
      token: agencyKey,
      body: {
        locationId: north,
        contactId,
        serviceId: calendarId,
        staffId: 'staff-agency',
        startTime: '2026-12-24T10:00:00Z',
        endTime: '2026-12-24T10:30:00Z',
      },
    });
    expect(booked.status).toBe(201);
    const southKey = await records.apiKey(south);
    expect(
      (await s.serebro('DELETE', `/appointments/${booked.body.appointment.id}`, { token: southKey })).status,
    ).toBe(404);
    expect(
      (await s.serebro('GET', '/appointments?staffId=staff-agency', { token: southKey })).body.appointments,
    ).toEqual([]);
  });

  describe('tenancy: every appointments row', () => {
    const booking = { contactId: 'c', calendarId: 'cal', startTime: '2026-12-25T10:00:00Z' };
    const rows: Array<[string, string, Record<string, unknown> | undefined, Array<'v1' | 'v2'>]> = [
      ['GET', '/appointments', undefined, ['v1', 'v2']],
      ['POST', '/appointments', { ...booking, staffId: 's', endTime: '2026-12-25T11:00:00Z' }, ['v1', 'v2']],
      ['GET', '/appointments/some-id', undefined, ['v1', 'v2']],
      ['DELETE', '/appointments/some-id', undefined, ['v1', 'v2']],
      ['POST', '/calendars/events/appointments', booking, ['v2']],
      ['GET', '/calendars/events/appointments/some-id', undefined, ['v2']],
      ['PUT', '/calendars/events/appointments/some-id', { title: 'T' }, ['v2']],
      ['GET', '/calendars/events?startTime=1&endTime=2', undefined, ['v2']],
      ['DELETE', '/calendars/events/some-id', undefined, ['v2']],
      ['GET', '/calendars/', undefined, ['v2']],
      ['POST', '/calendars/', { name: 'T' }, ['v2']],
    ];
    const scopes = ['calendars.readonly', 'calendars/events.write'];
    let southKey: string;
    let southPit: string;
    let agencyPit: string;
    let otherAgencyKey: string;
    let otherAgencyPit: string;

    beforeAll(async () => {
      const elsewhere = (
        await oauth.asOwner<{ createAgency: { id: string } }>(
          `mutation { createAgency(name: "Elsewhere") { id } }`,
          {},
        )
      ).createAgency.id;
      [southKey, southPit, agencyPit, otherAgencyKey, otherAgencyPit] = await Promise.all([
        records.apiKey(south),
        records.pit(south, scopes),
        records.pit(oauth.agencyId, scopes),
        records.apiKey(elsewhere),
        records.pit(elsewhere, scopes),
      ]);
    });

    const withLocation = (
      method: string,
      path: string,
      body: Record<string, unknown> | undefined,
      location: string,
    ) =>
      body === undefined
        ? { path: `${path}${path.includes('?') ? '&' : '?'}locationId=${location}`, body }
        : { path, body: { ...body, locationId: location } };

    it.each(rows)(
      '%s %s: another location, an agency without a location, another agency → 403',
      async (method, path, body, versions) => {
        for (const version of versions) {
          const prefix = version === 'v1' ? '' : '/v2';
          const named = withLocation(method, path, body, north);
          const cases = [
            ['location credential naming another location', version === 'v1' ? southKey : southPit, named],
            [
              'agency credential naming no location',
              version === 'v1' ? agencyKey : agencyPit,
              { path, body },
            ],
            [
              'another agency naming this location',
              version === 'v1' ? otherAgencyKey : otherAgencyPit,
              named,
            ],
          ] as const;
          for (const [what, token, request] of cases) {
            const answer = await s.serebro(method, `${prefix}${request.path}`, { token, body: request.body });
            expect({ version, what, status: answer.status }).toEqual({ version, what, status: 403 });
          }
        }
      },
    );
  });
});
