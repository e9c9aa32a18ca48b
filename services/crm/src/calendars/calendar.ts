import { CalendarCreated, CalendarDeleted, CalendarUpdated, type EventOf } from '@seren/contracts';
import { derivedId } from '../pipelines/pipeline.js';

export type CalendarEvent = EventOf<[typeof CalendarCreated, typeof CalendarUpdated, typeof CalendarDeleted]>;

export const calendarStream = (calendarId: string) => `calendar-${calendarId}`;

export type CalendarState =
  { status: 'none' } | { status: 'active' | 'deleted'; calendarId: string; locationId: string };

export const initialCalendarState = (): CalendarState => ({ status: 'none' });

export function evolveCalendar(state: CalendarState, event: CalendarEvent): CalendarState {
  switch (event.type) {
    case 'CalendarCreated':
      return { status: 'active', calendarId: event.data.calendarId, locationId: event.data.locationId };
    case 'CalendarUpdated':
      return state;
    case 'CalendarDeleted':
      return state.status === 'none' ? state : { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export const DEFAULT_CALENDAR_NAME = 'Default Calendar';
/** HighLevel's default slot: an appointment booked without an end lasts this long */
export const DEFAULT_SLOT_MINUTES = 30;

/** Derived from the location, like the default pipeline's (see pipelines/pipeline.ts). */
export const defaultCalendarId = (locationId: string) => derivedId('default-calendar', locationId);
