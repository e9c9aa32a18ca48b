import { defineProjection } from '@seren/event-store';
import type { AppointmentEvent } from './appointment.js';

/**
 * `appointments`: what appointment queries read, written in each append's transaction. Its
 * exclusion constraint (migration 1796200100000) is what refuses a double booking: a booking or a
 * move that overlaps another live appointment of the same staff member fails here, and its event
 * rolls back with it.
 */
export const appointmentsProjection = defineProjection<AppointmentEvent>({
  name: 'appointments',
  handles: ['AppointmentBooked', 'AppointmentUpdated', 'AppointmentCancelled', 'AppointmentDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'AppointmentBooked': {
        const d = event.data;
        await manager.query(
          `insert into appointments (id, location_id, calendar_id, contact_id, assigned_user_id, title, address, notes,
                                     start_time, end_time, appointment_status, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
          [
            d.appointmentId,
            d.locationId,
            d.calendarId,
            d.contactId,
            d.assignedUserId,
            d.title,
            d.address,
            d.notes,
            d.startTime,
            d.endTime,
            d.appointmentStatus,
            d.bookedAt,
          ],
        );
        return;
      }
      case 'AppointmentUpdated': {
        const d = event.data;
        await manager.query(
          `update appointments set
             calendar_id = coalesce($2, calendar_id),
             assigned_user_id = coalesce($3, assigned_user_id),
             title = case when $4 then $5 else title end,
             address = case when $6 then $7 else address end,
             notes = case when $8 then $9 else notes end,
             start_time = coalesce($10, start_time),
             end_time = coalesce($11, end_time),
             appointment_status = coalesce($12, appointment_status),
             updated_at = $13
           where id = $1`,
          [
            d.appointmentId,
            d.calendarId ?? null,
            d.assignedUserId ?? null,
            d.title !== undefined,
            d.title ?? null,
            d.address !== undefined,
            d.address ?? null,
            d.notes !== undefined,
            d.notes ?? null,
            d.startTime ?? null,
            d.endTime ?? null,
            d.appointmentStatus ?? null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'AppointmentCancelled':
        await manager.query(
          `update appointments set appointment_status = 'cancelled', updated_at = $2 where id = $1`,
          [event.data.appointmentId, event.data.cancelledAt],
        );
        return;
      case 'AppointmentDeleted':
        await manager.query(`delete from appointments where id = $1`, [event.data.appointmentId]);
        return;
      default:
        return;
    }
  },
});
