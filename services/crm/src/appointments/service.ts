import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import { domainErrorsOf, notFound } from '@seren/service-kit/errors';
import type { Crm } from '../application.js';
import { calendarOfLocation } from '../calendars/service.js';
import type { CalendarView } from '../calendars/queries.js';
import { checkContact } from '../contact-refs.js';
import { locationOf } from '../locations.js';
import { cursorPageOf, invalidFields, type CursorInput, type FieldProblem } from '../pagination.js';
import { appointmentStream } from './appointment.js';
import { appointmentDecider, instantOf, type AppointmentCommand, type CalendarRef } from './decide.js';
import { findAppointment, listAppointments as readAppointments, type AppointmentView } from './queries.js';

export type AppointmentConflict = 'STAFF_DOUBLE_BOOKED';
const errors = domainErrorsOf<AppointmentConflict>();

const refOf = (calendar: CalendarView | undefined): CalendarRef | undefined =>
  calendar && {
    id: calendar.id,
    teamMembers: calendar.teamMembers,
    slotDurationMinutes: calendar.slotDurationMinutes,
  };

/** PostgreSQL's exclusion_violation: the read model's no-double-booking constraint refused the row. */
function isDoubleBooking(error: unknown): boolean {
  const e = error as { code?: string; driverError?: { code?: string }; cause?: { code?: string } };
  return (e.driverError?.code ?? e.code ?? e.cause?.code) === '23P01';
}

/**
 * Decides and appends; the contact's problems (read beforehand) are answered with the decision's
 * own, every bad field at once. Overlapping another live appointment of the staff member is 409:
 * the exclusion constraint refuses it in the append's transaction, so two concurrent bookings of
 * one slot cannot both commit (no read-then-write race).
 */
async function decide(
  crm: Crm,
  request: RequestOrigin,
  appointmentId: string,
  command: AppointmentCommand,
  problems: FieldProblem[] = [],
) {
  try {
    await handle(
      crm,
      undefined,
      appointmentStream(appointmentId),
      appointmentDecider,
      command,
      eventMetadataOf(request),
    );
  } catch (error) {
    const fields = (error as { details?: { fields?: FieldProblem[] } }).details?.fields;
    if (problems.length > 0 && fields) throw invalidFields([...fields, ...problems]);
    if (isDoubleBooking(error))
      throw errors.conflict('the staff member already has an appointment at that time', {
        reason: 'STAFF_DOUBLE_BOOKED',
      });
    throw error;
  }
  if (problems.length > 0) throw invalidFields(problems);
}

async function found(crm: Crm, locationId: string, appointmentId: string): Promise<AppointmentView> {
  const appointment = await findAppointment(crm, locationId, appointmentId);
  if (!appointment) throw notFound('appointment');
  return appointment;
}

export interface BookAppointmentInput {
  calendarId: string;
  contactId: string;
  assignedUserId?: string | null;
  startTime: string;
  endTime?: string | null;
  title?: string | null;
  address?: string | null;
  notes?: string | null;
  appointmentStatus?: string | null;
}

/**
 * Books an appointment on a calendar of the caller's location for one of its contacts, with a staff
 * member (the one named, else the calendar's first team member); without an end it lasts the
 * calendar's slot. Status `confirmed` unless given (HighLevel's calendars confirm by default).
 */
export async function bookAppointment(crm: Crm, request: RequestOrigin, input: BookAppointmentInput) {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const [calendar] = await Promise.all([
    calendarOfLocation(crm, request, locationId, input.calendarId),
    checkContact(crm, locationId, input.contactId, 'contactId', problems),
  ]);
  const appointmentId = randomUUID();
  await decide(
    crm,
    request,
    appointmentId,
    {
      type: 'BookAppointment',
      appointmentId,
      locationId,
      calendar: refOf(calendar),
      contactId: input.contactId,
      assignedUserId: input.assignedUserId,
      startTime: input.startTime,
      endTime: input.endTime,
      title: input.title,
      address: input.address,
      notes: input.notes,
      appointmentStatus: input.appointmentStatus,
      now: crm.now().toISOString(),
    },
    problems,
  );
  return found(crm, locationId, appointmentId);
}

export type UpdateAppointmentInput = Partial<Omit<BookAppointmentInput, 'contactId'>>;

/**
 * Reschedules, reassigns or changes an appointment (HighLevel's PUT): absent fields stay; moved
 * without a new end it keeps its length; `appointmentStatus: cancelled` cancels it.
 */
export async function updateAppointment(
  crm: Crm,
  request: RequestOrigin,
  appointmentId: string,
  input: UpdateAppointmentInput,
) {
  const locationId = locationOf(request);
  const current = await found(crm, locationId, appointmentId);
  const [calendar, currentCalendar] = await Promise.all([
    input.calendarId ? calendarOfLocation(crm, request, locationId, input.calendarId) : undefined,
    calendarOfLocation(crm, request, locationId, current.calendarId),
  ]);
  await decide(crm, request, appointmentId, {
    type: 'UpdateAppointment',
    locationId,
    ...(input.calendarId ? { calendar: refOf(calendar) } : {}),
    currentCalendar: refOf(currentCalendar),
    assignedUserId: input.assignedUserId,
    startTime: input.startTime,
    endTime: input.endTime,
    title: input.title,
    address: input.address,
    notes: input.notes,
    appointmentStatus: input.appointmentStatus,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, appointmentId);
}

/** The spec's DELETE /appointments/{id}: cancels the booking (it stays, status cancelled). */
export async function cancelAppointment(crm: Crm, request: RequestOrigin, appointmentId: string) {
  const locationId = locationOf(request);
  await found(crm, locationId, appointmentId);
  await decide(crm, request, appointmentId, {
    type: 'CancelAppointment',
    locationId,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, appointmentId);
}

/** HighLevel's DELETE /calendars/events/{id}: removes the event (then it is not found). */
export async function deleteAppointment(
  crm: Crm,
  request: RequestOrigin,
  appointmentId: string,
): Promise<boolean> {
  const locationId = locationOf(request);
  await found(crm, locationId, appointmentId);
  await decide(crm, request, appointmentId, {
    type: 'DeleteAppointment',
    locationId,
    now: crm.now().toISOString(),
  });
  return true;
}

export function getAppointment(crm: Crm, request: RequestOrigin, appointmentId: string) {
  return found(crm, locationOf(request), appointmentId);
}

export interface AppointmentListFilter {
  /** ISO 8601 with a zone, or epoch milliseconds (HighLevel's calendar events take those) */
  startTime?: string | null;
  endTime?: string | null;
  calendarId?: string | null;
  assignedUserId?: string | null;
  contactId?: string | null;
}

/** An instant given as ISO 8601 with a zone or as epoch milliseconds. */
function boundOf(
  raw: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): string | undefined {
  if (!raw) return undefined;
  if (/^\d{1,15}$/.test(raw.trim())) return new Date(Number(raw.trim())).toISOString();
  return instantOf(raw, field, problems);
}

/**
 * The caller's location's appointments overlapping [startTime, endTime), filtered by calendar (the
 * spec's service), staff member or contact, earliest first, by HighLevel's cursor.
 */
export function listAppointments(
  crm: Crm,
  request: RequestOrigin,
  filter: AppointmentListFilter,
  page: CursorInput,
) {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const from = boundOf(filter.startTime, 'startTime', problems);
  const to = boundOf(filter.endTime, 'endTime', problems);
  if (from && to && Date.parse(to) <= Date.parse(from))
    problems.push({ field: 'endTime', message: 'must be after startTime' });
  let cursor;
  try {
    cursor = cursorPageOf(page);
  } catch (error) {
    const fields = (error as { details?: { fields?: FieldProblem[] } }).details?.fields;
    if (!fields) throw error;
    problems.push(...fields);
  }
  if (problems.length > 0 || !cursor) throw invalidFields(problems);
  return readAppointments(
    crm,
    locationId,
    {
      from,
      to,
      calendarId: filter.calendarId,
      assignedUserId: filter.assignedUserId,
      contactId: filter.contactId,
    },
    cursor,
  );
}
