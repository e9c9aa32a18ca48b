import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's appointment (calendar event): `calendarId` is the spec's service, `assignedUserId` its
// staff member. Times are ISO 8601 in UTC.

export const AppointmentFields = graphql(`
  fragment AppointmentFields on Appointment {
    id
    locationId
    calendarId
    contactId
    assignedUserId
    title
    address
    notes
    startTime
    endTime
    appointmentStatus
    dateAdded
    dateUpdated
  }
`);

export const appointmentStatusSchema = z.enum(['new', 'confirmed', 'cancelled', 'showed', 'noshow']);

export const appointmentSchema = z.object({
  id: z.string(),
  calendarId: z.string().describe("the calendar (the spec's service)"),
  locationId: z.string(),
  contactId: z.string(),
  assignedUserId: z.string().describe('the staff member'),
  title: z.string().nullable(),
  address: z.string().nullable(),
  notes: z.string().nullable(),
  startTime: z.string().describe('ISO 8601, UTC'),
  endTime: z.string().describe('ISO 8601, UTC'),
  appointmentStatus: appointmentStatusSchema,
  dateAdded: z.string(),
  dateUpdated: z.string(),
});

export function appointmentToRest(
  ref: FragmentOf<typeof AppointmentFields>,
): z.input<typeof appointmentSchema> {
  const a = readFragment(AppointmentFields, ref);
  return {
    id: a.id,
    calendarId: a.calendarId,
    locationId: a.locationId,
    contactId: a.contactId,
    assignedUserId: a.assignedUserId,
    title: a.title ?? null,
    address: a.address ?? null,
    notes: a.notes ?? null,
    startTime: a.startTime,
    endTime: a.endTime,
    appointmentStatus: appointmentStatusSchema.parse(a.appointmentStatus),
    dateAdded: a.dateAdded,
    dateUpdated: a.dateUpdated,
  };
}
