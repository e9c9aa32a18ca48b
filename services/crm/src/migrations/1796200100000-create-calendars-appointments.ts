// typeorm runs it (service-kit's openDatabase); only its query runner's `query` is used.
interface QueryRunner {
  query(sql: string): Promise<unknown>;
}

/**
 * Calendars and appointments (calendars/projection.ts, appointments/projection.ts).
 *
 * A staff member cannot be double-booked: the exclusion constraint refuses two live appointments of
 * one staff member in one location whose [start, end) ranges overlap. The projection writes the row
 * in the append's transaction, so of two concurrent bookings of the same slot exactly one commits;
 * the other's whole transaction (its event included) rolls back and answers 409. A cancelled
 * appointment leaves the constraint (its row stays, with its status).
 */
export class CreateCalendarsAppointments1796200100000 {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`create extension if not exists btree_gist`);
    await runner.query(`
      create table calendars (
        id text primary key,
        location_id text not null,
        name text not null,
        description text,
        team_members text[] not null default '{}',
        slot_duration_minutes integer not null,
        is_default boolean not null default false,
        created_at timestamptz not null,
        updated_at timestamptz not null
      )`);
    await runner.query(`create index calendars_location on calendars (location_id, created_at, id)`);
    await runner.query(`
      create table appointments (
        id text primary key,
        location_id text not null,
        calendar_id text not null,
        contact_id text not null,
        assigned_user_id text not null,
        title text,
        address text,
        notes text,
        start_time timestamptz not null,
        end_time timestamptz not null,
        appointment_status text not null,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        constraint appointments_end_after_start check (end_time > start_time),
        constraint appointments_no_double_booking exclude using gist (
          location_id with =,
          assigned_user_id with =,
          tstzrange(start_time, end_time, '[)') with &&
        ) where (appointment_status <> 'cancelled')
      )`);
    await runner.query(`create index appointments_page on appointments (location_id, start_time, id)`);
    await runner.query(
      `create index appointments_calendar on appointments (location_id, calendar_id, start_time)`,
    );
    await runner.query(`create index appointments_contact on appointments (location_id, contact_id)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('drop table appointments');
    await runner.query('drop table calendars');
  }
}
