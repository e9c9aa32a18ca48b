import { defineProjection } from '@seren/event-store';
import type { CustomFieldEvent } from './custom-field.js';

/** `custom_fields`: each location's contact custom fields, written in each append's transaction. */
export const customFieldsProjection = defineProjection<CustomFieldEvent>({
  name: 'custom_fields',
  handles: ['CustomFieldCreated', 'CustomFieldUpdated', 'CustomFieldDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'CustomFieldCreated': {
        const d = event.data;
        await manager.query(
          `insert into custom_fields (id, location_id, name, field_key, data_type, placeholder, options, position, date_added)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
          [
            d.customFieldId,
            d.locationId,
            d.name,
            d.fieldKey,
            d.dataType,
            d.placeholder,
            d.options,
            d.position,
            d.createdAt,
          ],
        );
        return;
      }
      case 'CustomFieldUpdated': {
        const d = event.data;
        await manager.query(
          `update custom_fields set
             name = coalesce($2, name),
             placeholder = case when $3 then $4 else placeholder end,
             options = coalesce($5, options),
             position = coalesce($6, position)
           where id = $1`,
          [
            d.customFieldId,
            d.name ?? null,
            d.placeholder !== undefined,
            d.placeholder ?? null,
            d.options ?? null,
            d.position ?? null,
          ],
        );
        return;
      }
      case 'CustomFieldDeleted':
        await manager.query(`delete from custom_fields where id = $1`, [event.data.customFieldId]);
        return;
      default:
        return;
    }
  },
});
