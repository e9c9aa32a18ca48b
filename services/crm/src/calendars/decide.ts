import { domainErrorsOf } from '@seren/service-kit/errors';
import { invalidFields, type FieldProblem } from '../pagination.js';
import { evolveCalendar, initialCalendarState, type CalendarEvent, type CalendarState } from './calendar.js';

export type CalendarCommand = {
  type: 'CreateCalendar';
  calendarId: string;
  locationId: string;
  name: string;
  description?: string | null;
  teamMembers?: string[] | null;
  slotDurationMinutes?: number | null;
  /** a default calendar is created at most once: asking again is not an error */
  idempotent?: boolean;
  now: string;
};

const errors = domainErrorsOf<'CALENDAR_EXISTS'>();

export const MAX_CALENDAR_NAME = 100;
export const MAX_CALENDAR_DESCRIPTION = 1000;
export const MAX_SLOT_MINUTES = 24 * 60;
export const MAX_TEAM_MEMBERS = 100;

export function decideCalendar(command: CalendarCommand, state: CalendarState): CalendarEvent[] {
  switch (command.type) {
    case 'CreateCalendar': {
      if (state.status !== 'none') {
        if (command.idempotent) return [];
        throw errors.conflict('calendar already exists', { reason: 'CALENDAR_EXISTS' });
      }
      const problems: FieldProblem[] = [];
      const name = command.name.trim();
      if (name === '' || name.length > MAX_CALENDAR_NAME)
        problems.push({ field: 'name', message: `must be 1-${MAX_CALENDAR_NAME} characters` });
      const description = command.description?.trim() || null;
      if (description && description.length > MAX_CALENDAR_DESCRIPTION)
        problems.push({
          field: 'description',
          message: `must be at most ${MAX_CALENDAR_DESCRIPTION} characters`,
        });
      const slot = command.slotDurationMinutes ?? 30;
      if (!Number.isInteger(slot) || slot < 1 || slot > MAX_SLOT_MINUTES)
        problems.push({ field: 'slotDuration', message: `must be 1-${MAX_SLOT_MINUTES} minutes` });
      const teamMembers = [...new Set((command.teamMembers ?? []).map((id) => id.trim()))];
      if (teamMembers.length > MAX_TEAM_MEMBERS || teamMembers.some((id) => id === '' || id.length > 100))
        problems.push({ field: 'teamMembers', message: `must list at most ${MAX_TEAM_MEMBERS} user ids` });
      if (problems.length > 0) throw invalidFields(problems);
      return [
        {
          type: 'CalendarCreated',
          data: {
            calendarId: command.calendarId,
            locationId: command.locationId,
            name,
            description,
            teamMembers,
            slotDurationMinutes: slot,
            createdAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command.type;
      return unknown;
    }
  }
}

export const calendarDecider = {
  streamType: 'calendar',
  initialState: initialCalendarState,
  evolve: evolveCalendar,
  decide: decideCalendar,
};
