import type { ApplicationContext } from '@seren/service-kit';
import { pageResult, type CursorPage, type ListMeta } from '../pagination.js';
import type { AppointmentStatus } from './appointment.js';

export interface AppointmentView {
  id: string;
  locationId: string;
  calendarId: string;
  contactId: string;
  assignedUserId: string;
  title: string | null;
  address: string | null;
  notes: string | null;
  startTime: string;
  endTime: string;
  appointmentStatus: AppointmentStatus;
  dateAdded: string;
  dateUpdated: string;
}

interface AppointmentRow {
  id: string;
  location_id: string;
  calendar_id: string;
  contact_id: string;
  assigned_user_id: string;
  title: string | null;
  address: string | null;
  notes: string | null;
  start_time: Date;
  end_time: Date;
  appointment_status: AppointmentStatus;
  created_at: Date;
  updated_at: Date;
}

const toView = (row: AppointmentRow): AppointmentView => ({
  id: row.id,
  locationId: row.location_id,
  calendarId: row.calendar_id,
  contactId: row.contact_id,
  assignedUserId: row.assigned_user_id,
  title: row.title,
  address: row.address,
  notes: row.notes,
  startTime: row.start_time.toISOString(),
  endTime: row.end_time.toISOString(),
  appointmentStatus: row.appointment_status,
  dateAdded: row.created_at.toISOString(),
  dateUpdated: row.updated_at.toISOString(),
});

export async function findAppointment(
  app: ApplicationContext,
  locationId: string,
  appointmentId: string,
): Promise<AppointmentView | undefined> {
  const rows: AppointmentRow[] = await app.dataSource.query(
    `select * from appointments where id = $1 and location_id = $2`,
    [appointmentId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

export interface AppointmentFilter {
  /** appointments ending after this instant (ISO) */
  from?: string | null;
  /** appointments starting before this instant (ISO) */
  to?: string | null;
  calendarId?: string | null;
  assignedUserId?: string | null;
  contactId?: string | null;
  /** cancelled ones too (default: yes, with their status, as HighLevel lists them) */
  includeCancelled?: boolean;
}

/**
 * A page of the location's appointments in start order (earliest first; a calendar reads forward),
 * overlapping [from, to) when given, by HighLevel's cursor (startAfter = the last start, in ms).
 */
export async function listAppointments(
  app: ApplicationContext,
  locationId: string,
  filter: AppointmentFilter,
  page: CursorPage,
): Promise<{ items: AppointmentView[]; meta: ListMeta }> {
  const where = ['location_id = $1'];
  const params: unknown[] = [locationId];
  const add = (sql: (n: number) => string, value: unknown) => {
    params.push(value);
    where.push(sql(params.length));
  };
  if (filter.from) add((n) => `end_time > $${n}`, filter.from);
  if (filter.to) add((n) => `start_time < $${n}`, filter.to);
  if (filter.calendarId) add((n) => `calendar_id = $${n}`, filter.calendarId);
  if (filter.assignedUserId) add((n) => `assigned_user_id = $${n}`, filter.assignedUserId);
  if (filter.contactId) add((n) => `contact_id = $${n}`, filter.contactId);
  if (filter.includeCancelled === false) where.push(`appointment_status <> 'cancelled'`);
  const filtered = where.join(' and ');
  const cursor: unknown[] = [];
  let after = 'true';
  if (page.startAfter && page.startAfterId) {
    cursor.push(page.startAfter, page.startAfterId);
    after = `(start_time, id) > ($${params.length + 1}::timestamptz, $${params.length + 2}::text)`;
  } else if (page.startAfter) {
    cursor.push(page.startAfter);
    after = `start_time > $${params.length + 1}::timestamptz`;
  } else if (page.startAfterId) {
    cursor.push(page.startAfterId);
    after = `(start_time, id) > (select start_time, id from appointments where id = $${params.length + 1}::text)`;
  }
  const [rows, count]: [AppointmentRow[], { total: string }[]] = await Promise.all([
    app.dataSource.query(
      `select * from appointments where ${filtered} and ${after}
       order by start_time, id limit $${params.length + cursor.length + 1}`,
      [...params, ...cursor, page.limit + 1],
    ),
    app.dataSource.query(`select count(*) as total from appointments where ${filtered}`, params),
  ]);
  const result = pageResult(page, rows, Number(count[0]!.total), (row) => ({
    at: row.start_time,
    id: row.id,
  }));
  return { items: result.items.map(toView), meta: result.meta };
}
