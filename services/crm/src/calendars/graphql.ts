import { requestInfoOf, resolver, type RequestContext, type Resolvers } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { Crm } from '../application.js';
import type { CalendarView } from './queries.js';
import { createCalendar, getCalendar, listCalendars, type CreateCalendarInput } from './service.js';

async function existing(calendar: Promise<CalendarView | undefined>): Promise<CalendarView> {
  const found = await calendar;
  if (!found) throw notFound('calendar');
  return found;
}

export function calendarsResolvers(crm: Crm): Resolvers {
  return {
    Query: {
      calendars: resolver(crm, (c, request) => listCalendars(c, request)),
      calendar: resolver(crm, (c, request, args: { id: string }) =>
        existing(getCalendar(c, request, args.id)),
      ),
    },
    Mutation: {
      createCalendar: resolver(crm, (c, request, args: { input: CreateCalendarInput }) =>
        createCalendar(c, request, args.input),
      ),
    },
    Calendar: {
      __resolveReference: (ref: { id: string }, context: RequestContext<unknown>) =>
        existing(getCalendar(crm, requestInfoOf(context), ref.id)),
      slotDuration: (calendar: CalendarView) => calendar.slotDurationMinutes,
    },
  };
}
