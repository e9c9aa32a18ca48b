import { defineProjection } from '@seren/event-store';
import { defaultCalendarId, type CalendarEvent } from './calendar.js';

/** `calendars`: what calendar queries read, written in each append's transaction. */
export const calendarsProjection = defineProjection<CalendarEvent>({
  name: 'calendars',
  handles: ['CalendarCreated', 'CalendarUpdated', 'CalendarDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'CalendarCreated': {
        const d = event.data;
        await manager.query(
          `insert into calendars (id, location_id, name, description, team_members, slot_duration_minutes, is_default,
                                  created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $8)`,
          [
            d.calendarId,
            d.locationId,
            d.name,
            d.description,
            d.teamMembers,
            d.slotDurationMinutes,
            d.calendarId === defaultCalendarId(d.locationId),
            d.createdAt,
          ],
        );
        return;
      }
      case 'CalendarUpdated': {
        const d = event.data;
        await manager.query(
          `update calendars set name = coalesce($2, name),
             description = case when $3 then $4 else description end,
             team_members = coalesce($5, team_members),
             slot_duration_minutes = coalesce($6, slot_duration_minutes),
             updated_at = $7
           where id = $1`,
          [
            d.calendarId,
            d.name ?? null,
            d.description !== undefined,
            d.description ?? null,
            d.teamMembers ?? null,
            d.slotDurationMinutes ?? null,
            d.updatedAt,
          ],
        );
        return;
      }
      case 'CalendarDeleted':
        await manager.query(`delete from calendars where id = $1`, [event.data.calendarId]);
        return;
      default:
        return;
    }
  },
});
