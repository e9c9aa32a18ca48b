import { specOf } from '@seren/testing';
import type { AppointmentEvent } from './appointment';
import { appointmentDecider } from './decide';

const given = specOf(appointmentDecider);
const now = '2026-12-02T09:00:00.000Z';
const calendar = { id: 'cal1', teamMembers: ['u1', 'u2'], slotDurationMinutes: 45 };
const booked: AppointmentEvent = {
  type: 'AppointmentBooked',
  data: {
    appointmentId: 'a1',
    locationId: 'loc1',
    calendarId: 'cal1',
    assignedUserId: 'u1',
    contactId: 'c1',
    title: null,
    startTime: '2026-12-03T14:00:00.000Z',
    endTime: '2026-12-03T14:45:00.000Z',
    appointmentStatus: 'confirmed',
    address: null,
    notes: null,
    bookedAt: now,
  },
};
const book = {
  type: 'BookAppointment' as const,
  appointmentId: 'a1',
  locationId: 'loc1',
  calendar,
  contactId: 'c1',
  startTime: '2026-12-03T15:00:00+01:00',
  now,
};
const fieldsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as { details: { fields: { field: string }[] } }).details.fields.map((f) => f.field).sort();
  }
  return [];
};

describe('appointments', () => {
  it("books the calendar's first team member for one slot when no staff or end is given; times in UTC", () =>
    given([]).when(book).then([booked]));

  it('refuses an end before the start, a time without a zone, a staff member outside the team and an unknown status, all at once', () => {
    expect(
      fieldsOf(() =>
        appointmentDecider.decide(
          {
            ...book,
            startTime: '2026-12-03T15:00:00',
            endTime: '2026-12-03T14:00:00Z',
            assignedUserId: 'u9',
            appointmentStatus: 'maybe',
          },
          appointmentDecider.initialState(),
        ),
      ),
    ).toEqual(['appointmentStatus', 'assignedUserId', 'startTime']);
    expect(
      fieldsOf(() =>
        appointmentDecider.decide(
          { ...book, endTime: '2026-12-03T13:59:00Z' },
          appointmentDecider.initialState(),
        ),
      ),
    ).toEqual(['endTime']);
  });

  it('needs a staff member when the calendar has no team', () =>
    given([])
      .when({ ...book, calendar: { ...calendar, teamMembers: [] } })
      .thenThrows({ code: 'VALIDATION_ERROR' }));

  it('reschedules keeping the length, and cancels through the status', () => {
    given([booked])
      .when({
        type: 'UpdateAppointment',
        locationId: 'loc1',
        currentCalendar: calendar,
        startTime: '2026-12-04T10:00:00Z',
        now,
      })
      .then([
        {
          type: 'AppointmentUpdated',
          data: {
            appointmentId: 'a1',
            locationId: 'loc1',
            startTime: '2026-12-04T10:00:00.000Z',
            endTime: '2026-12-04T10:45:00.000Z',
            updatedAt: now,
          },
        },
      ]);
    given([booked])
      .when({
        type: 'UpdateAppointment',
        locationId: 'loc1',
        currentCalendar: calendar,
        appointmentStatus: 'cancelled',
        now,
      })
      .then([
        { type: 'AppointmentCancelled', data: { appointmentId: 'a1', locationId: 'loc1', cancelledAt: now } },
      ]);
  });

  it('cancels once; cancelling again decides nothing; a cancelled one is not reopened', () => {
    const cancelled: AppointmentEvent = {
      type: 'AppointmentCancelled',
      data: { appointmentId: 'a1', locationId: 'loc1', cancelledAt: now },
    };
    given([booked]).when({ type: 'CancelAppointment', locationId: 'loc1', now }).then([cancelled]);
    given([booked, cancelled]).when({ type: 'CancelAppointment', locationId: 'loc1', now }).thenNothing();
    given([booked, cancelled])
      .when({
        type: 'UpdateAppointment',
        locationId: 'loc1',
        currentCalendar: calendar,
        appointmentStatus: 'confirmed',
        now,
      })
      .thenThrows({ code: 'CONFLICT', reason: 'APPOINTMENT_CANCELLED' });
  });

  it("answers another location's appointment, and a deleted one, as not found", () => {
    given([booked])
      .when({ type: 'CancelAppointment', locationId: 'loc2', now })
      .thenThrows({ code: 'NOT_FOUND' });
    const deleted: AppointmentEvent = {
      type: 'AppointmentDeleted',
      data: { appointmentId: 'a1', locationId: 'loc1', deletedAt: now },
    };
    given([booked]).when({ type: 'DeleteAppointment', locationId: 'loc1', now }).then([deleted]);
    given([booked, deleted])
      .when({ type: 'CancelAppointment', locationId: 'loc1', now })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
