import type { ApplicationContext } from '@seren/service-kit';

export interface CalendarView {
  id: string;
  locationId: string;
  name: string;
  description: string | null;
  /** the staff who take its appointments (user ids); empty: any staff member */
  teamMembers: string[];
  slotDurationMinutes: number;
  isDefault: boolean;
  createdAt: string;
  updatedAt: string;
}

interface CalendarRow {
  id: string;
  location_id: string;
  name: string;
  description: string | null;
  team_members: string[];
  slot_duration_minutes: number;
  is_default: boolean;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: CalendarRow): CalendarView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  description: row.description,
  teamMembers: row.team_members,
  slotDurationMinutes: row.slot_duration_minutes,
  isDefault: row.is_default,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

/** The location's calendar, or undefined (another location's is not found either). */
export async function findCalendar(
  app: ApplicationContext,
  locationId: string,
  calendarId: string,
): Promise<CalendarView | undefined> {
  const rows: CalendarRow[] = await app.dataSource.query(
    `select * from calendars where id = $1 and location_id = $2`,
    [calendarId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

/** The location's calendars, the default one first, then oldest first. */
export async function calendarsOfLocation(
  app: ApplicationContext,
  locationId: string,
): Promise<CalendarView[]> {
  const rows: CalendarRow[] = await app.dataSource.query(
    `select * from calendars where location_id = $1 order by is_default desc, created_at, id limit 1000`,
    [locationId],
  );
  return rows.map(toView);
}
