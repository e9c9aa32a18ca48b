import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { EventMetadata } from '@seren/event-store';
import type { EntityManager } from 'typeorm';
import type { Crm } from '../application.js';
import { locationOf } from '../locations.js';
import {
  calendarStream,
  DEFAULT_CALENDAR_NAME,
  DEFAULT_SLOT_MINUTES,
  defaultCalendarId,
} from './calendar.js';
import { calendarDecider } from './decide.js';
import { calendarsOfLocation, findCalendar, type CalendarView } from './queries.js';

/**
 * Creates the location's default calendar unless it exists (so a v1 integration, which has no
 * calendar endpoint, has a service to book on): from identity's location-created event and on
 * first use, one stream either way (see pipelines/service.ts's ensureDefaultPipeline).
 */
export async function ensureDefaultCalendar(
  crm: Crm,
  locationId: string,
  metadata: EventMetadata,
  manager?: EntityManager,
): Promise<void> {
  const calendarId = defaultCalendarId(locationId);
  await handle(
    crm,
    manager,
    calendarStream(calendarId),
    calendarDecider,
    {
      type: 'CreateCalendar',
      calendarId,
      locationId,
      name: DEFAULT_CALENDAR_NAME,
      slotDurationMinutes: DEFAULT_SLOT_MINUTES,
      idempotent: true,
      now: crm.now().toISOString(),
    },
    metadata,
  );
}

/** The caller's location's calendars (the default one first). */
export async function listCalendars(crm: Crm, request: RequestOrigin): Promise<CalendarView[]> {
  const locationId = locationOf(request);
  const calendars = await calendarsOfLocation(crm, locationId);
  if (calendars.some((c) => c.isDefault)) return calendars;
  await ensureDefaultCalendar(crm, locationId, eventMetadataOf(request));
  return calendarsOfLocation(crm, locationId);
}

/** A calendar of the location, the default one made on first use. */
export async function calendarOfLocation(
  crm: Crm,
  request: RequestOrigin,
  locationId: string,
  calendarId: string,
): Promise<CalendarView | undefined> {
  const calendar = await findCalendar(crm, locationId, calendarId);
  if (calendar || calendarId !== defaultCalendarId(locationId)) return calendar;
  await ensureDefaultCalendar(crm, locationId, eventMetadataOf(request));
  return findCalendar(crm, locationId, calendarId);
}

export function getCalendar(crm: Crm, request: RequestOrigin, calendarId: string) {
  const locationId = locationOf(request);
  return calendarOfLocation(crm, request, locationId, calendarId);
}

export interface CreateCalendarInput {
  name: string;
  description?: string | null;
  teamMembers?: string[] | null;
  slotDuration?: number | null;
}

export async function createCalendar(crm: Crm, request: RequestOrigin, input: CreateCalendarInput) {
  const locationId = locationOf(request);
  const calendarId = randomUUID();
  await handle(
    crm,
    undefined,
    calendarStream(calendarId),
    calendarDecider,
    {
      type: 'CreateCalendar',
      calendarId,
      locationId,
      name: input.name,
      description: input.description,
      teamMembers: input.teamMembers,
      slotDurationMinutes: input.slotDuration,
      now: crm.now().toISOString(),
    },
    eventMetadataOf(request),
  );
  return (await findCalendar(crm, locationId, calendarId))!;
}
