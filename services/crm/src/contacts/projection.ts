import { defineProjection } from '@seren/event-store';
import type { ContactEvent } from './contact.js';

/** What `query` matches: the lower-cased names, email and company, and the phone's digits. */
export function searchTextOf(contact: {
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
}): string {
  return [
    contact.firstName,
    contact.lastName,
    contact.name,
    contact.email,
    contact.companyName,
    contact.phone?.replace(/\D/g, ''),
  ]
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

const COLUMNS: Record<string, string> = {
  firstName: 'first_name',
  lastName: 'last_name',
  name: 'name',
  email: 'email',
  phone: 'phone',
  companyName: 'company_name',
  address1: 'address1',
  city: 'city',
  state: 'state',
  postalCode: 'postal_code',
  country: 'country',
  website: 'website',
  timezone: 'timezone',
  dnd: 'dnd',
  tags: 'tags',
  source: 'source',
  assignedTo: 'assigned_to',
  dateOfBirth: 'date_of_birth',
  customFields: 'custom_fields',
};

const SEARCH_COLUMNS = ['first_name', 'last_name', 'name', 'email', 'phone', 'company_name'];

/**
 * `contacts` and `contact_counts`: what the contact queries read, written in each append's
 * transaction. A deleted contact's row goes (its events stay), so its email and phone are free again.
 */
export const contactsProjection = defineProjection<ContactEvent>({
  name: 'contacts',
  handles: ['ContactCreated', 'ContactUpdated', 'ContactTagAdded', 'ContactTagRemoved', 'ContactDeleted'],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'ContactCreated': {
        const d = event.data;
        await manager.query(
          `insert into contacts (id, location_id, first_name, last_name, name, email, phone, company_name,
             address1, city, state, postal_code, country, website, timezone, dnd, tags, source, assigned_to,
             date_of_birth, custom_fields, search, date_added, date_updated)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
             $21, $22, $23, $23)`,
          [
            d.contactId,
            d.locationId,
            d.firstName,
            d.lastName,
            d.name,
            d.email,
            d.phone,
            d.companyName,
            d.address1,
            d.city,
            d.state,
            d.postalCode,
            d.country,
            d.website,
            d.timezone,
            d.dnd,
            d.tags,
            d.source,
            d.assignedTo,
            d.dateOfBirth,
            JSON.stringify(d.customFields),
            searchTextOf(d),
            d.createdAt,
          ],
        );
        await manager.query(
          `insert into contact_counts (location_id, total) values ($1, 1)
           on conflict (location_id) do update set total = contact_counts.total + 1`,
          [d.locationId],
        );
        return;
      }
      case 'ContactUpdated': {
        const { contactId, locationId: _location, updatedAt, ...changes } = event.data;
        const sets: string[] = [];
        const params: unknown[] = [contactId, updatedAt];
        for (const [field, value] of Object.entries(changes)) {
          if (value === undefined) continue;
          params.push(field === 'customFields' ? JSON.stringify(value) : value);
          sets.push(`${COLUMNS[field]} = $${params.length}`);
        }
        const search = `lower(concat_ws(' ', first_name, last_name, name, email, company_name, regexp_replace(coalesce(phone, ''), '\\D', '', 'g')))`;
        const touchesSearch = Object.keys(changes).some((field) =>
          SEARCH_COLUMNS.includes(COLUMNS[field] ?? ''),
        );
        await manager.query(
          `update contacts set ${[...sets, 'date_updated = $2'].join(', ')} where id = $1`,
          params,
        );
        if (touchesSearch)
          await manager.query(`update contacts set search = trim(${search}) where id = $1`, [contactId]);
        return;
      }
      case 'ContactTagAdded':
      case 'ContactTagRemoved':
        await manager.query(`update contacts set tags = $2, date_updated = $3 where id = $1`, [
          event.data.contactId,
          event.data.tags,
          event.data.updatedAt,
        ]);
        return;
      case 'ContactDeleted':
        // one statement: the count drops only when a row went
        await manager.query(
          `with gone as (delete from contacts where id = $1 returning id)
           update contact_counts set total = total - (select count(*) from gone) where location_id = $2`,
          [event.data.contactId, event.data.locationId],
        );
        return;
      default:
        return;
    }
  },
});
