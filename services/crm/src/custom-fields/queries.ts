import type { ApplicationContext } from '@seren/service-kit';
import type { CustomFieldDataType, CustomFieldDefinition } from './values.js';

/** A custom field as the application layer answers it (HighLevel's CustomField). */
export interface CustomFieldView extends CustomFieldDefinition {
  locationId: string;
  placeholder: string | null;
  position: number;
  dateAdded: string;
}

interface CustomFieldRow {
  id: string;
  location_id: string;
  name: string;
  field_key: string;
  data_type: CustomFieldDataType;
  placeholder: string | null;
  options: string[];
  position: number;
  date_added: Date;
}

const toView = (row: CustomFieldRow): CustomFieldView => ({
  id: row.id,
  locationId: row.location_id,
  name: row.name,
  fieldKey: row.field_key,
  dataType: row.data_type,
  placeholder: row.placeholder,
  options: row.options,
  position: row.position,
  dateAdded: row.date_added.toISOString(),
});

/** The location's custom fields, by position then name. */
export async function customFieldsOf(
  app: ApplicationContext,
  locationId: string,
): Promise<CustomFieldView[]> {
  const rows: CustomFieldRow[] = await app.dataSource.query(
    `select * from custom_fields where location_id = $1 order by position, name, id`,
    [locationId],
  );
  return rows.map(toView);
}

export async function findCustomField(
  app: ApplicationContext,
  locationId: string,
  customFieldId: string,
): Promise<CustomFieldView | undefined> {
  const rows: CustomFieldRow[] = await app.dataSource.query(
    `select * from custom_fields where id = $1 and location_id = $2`,
    [customFieldId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

export async function customFieldByKey(
  app: ApplicationContext,
  locationId: string,
  fieldKey: string,
): Promise<CustomFieldView | undefined> {
  const rows: CustomFieldRow[] = await app.dataSource.query(
    `select * from custom_fields where location_id = $1 and field_key = $2`,
    [locationId, fieldKey],
  );
  return rows[0] && toView(rows[0]);
}
