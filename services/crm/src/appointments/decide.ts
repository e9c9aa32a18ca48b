import { appointmentStatuses } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import {
  evolveAppointment,
  initialAppointmentState,
  type Appointment,
  type AppointmentEvent,
  type AppointmentState,
  type AppointmentStatus,
} from './appointment.js';

/** A calendar as a booking needs it. */
export interface CalendarRef {
  id: string;
  /** empty: any staff member */
  teamMembers: string[];
  slotDurationMinutes: number;
}

interface AppointmentFields {
  assignedUserId?: string | null;
  title?: string | null;
  address?: string | null;
  notes?: string | null;
  /** ISO 8601 with a zone (Z or ±hh:mm) */
  startTime?: string | null;
  endTime?: string | null;
  appointmentStatus?: string | null;
}

export type AppointmentCommand =
  | ({
      type: 'BookAppointment';
      appointmentId: string;
      locationId: string;
      /** undefined when the id named no calendar of the location */
      calendar: CalendarRef | undefined;
      contactId: string;
      now: string;
    } & AppointmentFields)
  | ({
      type: 'UpdateAppointment';
      locationId: string;
      /** given when the update names a calendar; undefined when it is not the location's */
      calendar?: CalendarRef | undefined;
      /** the appointment's calendar as it is now (team members for a new staff member) */
      currentCalendar: CalendarRef | undefined;
      now: string;
    } & AppointmentFields)
  | { type: 'CancelAppointment'; locationId: string; now: string }
  | { type: 'DeleteAppointment'; locationId: string; now: string };

export type AppointmentReason = 'APPOINTMENT_EXISTS' | 'APPOINTMENT_CANCELLED';
const errors = domainErrorsOf<AppointmentReason>();

export const MAX_TITLE = 500;
export const MAX_NOTES = 5000;
/** the longest appointment accepted */
export const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;

const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

/** An instant written in ISO 8601 with its zone, as UTC ISO; undefined (and a problem) otherwise. */
export function instantOf(raw: string, field: string, problems: FieldProblem[]): string | undefined {
  const date = ISO_WITH_ZONE.test(raw.trim()) ? new Date(raw.trim()) : undefined;
  if (!date || Number.isNaN(date.getTime()) || date.getUTCFullYear() < 1970 || date.getUTCFullYear() > 9999) {
    problems.push({
      field,
      message: 'must be an ISO 8601 date-time with a zone (e.g. 2026-12-02T15:00:00+01:00)',
    });
    return undefined;
  }
  return date.toISOString();
}

function text(raw: string | null | undefined, field: string, max: number, problems: FieldProblem[]) {
  if (raw === undefined) return undefined;
  const value = raw?.trim() || null;
  if (value && value.length > max) problems.push({ field, message: `must be at most ${max} characters` });
  return value;
}

const bookable = appointmentStatuses.filter((s) => s !== 'cancelled');

function status(raw: string, problems: FieldProblem[], allowCancelled: boolean): AppointmentStatus {
  const allowed: readonly string[] = allowCancelled ? appointmentStatuses : bookable;
  if (!allowed.includes(raw))
    problems.push({ field: 'appointmentStatus', message: `must be one of ${allowed.join(', ')}` });
  return raw as AppointmentStatus;
}

/** The staff member: the one named (a team member of the calendar, when it lists any), else its first. */
function staff(calendar: CalendarRef, named: string | null | undefined, problems: FieldProblem[]) {
  const id = named?.trim();
  if (id) {
    if (calendar.teamMembers.length > 0 && !calendar.teamMembers.includes(id))
      problems.push({ field: 'assignedUserId', message: 'is not a team member of the calendar' });
    return id;
  }
  if (calendar.teamMembers[0]) return calendar.teamMembers[0];
  problems.push({ field: 'assignedUserId', message: 'is required (the staff member)' });
  return '';
}

function checkSpan(start: string | undefined, end: string | undefined, problems: FieldProblem[]) {
  if (!start || !end) return;
  const span = Date.parse(end) - Date.parse(start);
  if (span <= 0) problems.push({ field: 'endTime', message: 'must be after startTime' });
  else if (span > MAX_DURATION_MS)
    problems.push({ field: 'endTime', message: 'must be within 7 days of startTime' });
}

function live(state: AppointmentState, locationId: string): Appointment {
  if (state.status !== 'booked' || state.appointment.locationId !== locationId)
    throw errors.notFound('appointment');
  return state.appointment;
}

export function decideAppointment(command: AppointmentCommand, state: AppointmentState): AppointmentEvent[] {
  switch (command.type) {
    case 'BookAppointment': {
      if (state.status !== 'none')
        throw errors.conflict('appointment already exists', { reason: 'APPOINTMENT_EXISTS' });
      const problems: FieldProblem[] = [];
      if (!command.calendar)
        problems.push({ field: 'calendarId', message: 'is not a calendar of this location' });
      const assignedUserId = command.calendar
        ? staff(command.calendar, command.assignedUserId, problems)
        : '';
      const startTime = command.startTime ? instantOf(command.startTime, 'startTime', problems) : undefined;
      if (!command.startTime) problems.push({ field: 'startTime', message: 'is required' });
      let endTime = command.endTime ? instantOf(command.endTime, 'endTime', problems) : undefined;
      if (!command.endTime && startTime && command.calendar)
        endTime = new Date(
          Date.parse(startTime) + command.calendar.slotDurationMinutes * 60_000,
        ).toISOString();
      checkSpan(startTime, endTime, problems);
      const appointmentStatus = status(command.appointmentStatus ?? 'confirmed', problems, false);
      const title = text(command.title, 'title', MAX_TITLE, problems) ?? null;
      const address = text(command.address, 'address', MAX_TITLE, problems) ?? null;
      const notes = text(command.notes, 'notes', MAX_NOTES, problems) ?? null;
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'AppointmentBooked',
          data: {
            appointmentId: command.appointmentId,
            locationId: command.locationId,
            calendarId: command.calendar!.id,
            assignedUserId,
            contactId: command.contactId,
            title,
            startTime: startTime!,
            endTime: endTime!,
            appointmentStatus,
            address,
            notes,
            bookedAt: command.now,
          },
        },
      ];
    }
    case 'UpdateAppointment': {
      const current = live(state, command.locationId);
      const problems: FieldProblem[] = [];
      const base = { appointmentId: current.appointmentId, locationId: current.locationId };
      const changes: Extract<AppointmentEvent, { type: 'AppointmentUpdated' }>['data'] = {
        ...base,
        updatedAt: command.now,
      };
      const next =
        command.appointmentStatus != null ? status(command.appointmentStatus, problems, true) : undefined;
      if (current.appointmentStatus === 'cancelled' && next !== undefined && next !== 'cancelled')
        throw errors.conflict('a cancelled appointment cannot be reopened; book a new one', {
          reason: 'APPOINTMENT_CANCELLED',
        });
      let calendar = command.currentCalendar;
      if ('calendar' in command) {
        if (!command.calendar)
          problems.push({ field: 'calendarId', message: 'is not a calendar of this location' });
        else {
          calendar = command.calendar;
          if (command.calendar.id !== current.calendarId) changes.calendarId = command.calendar.id;
        }
      }
      if (command.assignedUserId != null && calendar) {
        const assignedUserId = staff(calendar, command.assignedUserId, problems);
        if (assignedUserId !== current.assignedUserId) changes.assignedUserId = assignedUserId;
      }
      const start = command.startTime
        ? instantOf(command.startTime, 'startTime', problems)
        : current.startTime;
      let end = command.endTime ? instantOf(command.endTime, 'endTime', problems) : current.endTime;
      if (command.startTime && !command.endTime && start) {
        // moved without a new end: it keeps its length
        end = new Date(
          Date.parse(start) + Date.parse(current.endTime) - Date.parse(current.startTime),
        ).toISOString();
      }
      checkSpan(start, end, problems);
      if (start && start !== current.startTime) changes.startTime = start;
      if (end && end !== current.endTime) changes.endTime = end;
      for (const [field, max] of [
        ['title', MAX_TITLE],
        ['address', MAX_TITLE],
        ['notes', MAX_NOTES],
      ] as const) {
        const value = text(command[field], field, max, problems);
        if (value !== undefined && value !== current[field]) changes[field] = value;
      }
      if (next && next !== 'cancelled' && next !== current.appointmentStatus)
        changes.appointmentStatus = next;
      if (problems.length > 0) throw invalidFields(problems);
      const events: AppointmentEvent[] = [];
      if (Object.keys(changes).length > 3) events.push({ type: 'AppointmentUpdated', data: changes });
      if (next === 'cancelled' && current.appointmentStatus !== 'cancelled')
        events.push({ type: 'AppointmentCancelled', data: { ...base, cancelledAt: command.now } });
      return events;
    }
    case 'CancelAppointment': {
      const current = live(state, command.locationId);
      // cancelling twice is not an error: the booking is cancelled either way
      if (current.appointmentStatus === 'cancelled') return [];
      return [
        {
          type: 'AppointmentCancelled',
          data: {
            appointmentId: current.appointmentId,
            locationId: current.locationId,
            cancelledAt: command.now,
          },
        },
      ];
    }
    case 'DeleteAppointment': {
      const current = live(state, command.locationId);
      return [
        {
          type: 'AppointmentDeleted',
          data: {
            appointmentId: current.appointmentId,
            locationId: current.locationId,
            deletedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const appointmentDecider = {
  streamType: 'appointment',
  initialState: initialAppointmentState,
  evolve: evolveAppointment,
  decide: decideAppointment,
};
