import { batchLoader } from '@seren/service-kit';
import type { Crm } from './application.js';
import { contactsByIds, type ContactView } from './contacts/queries.js';

interface ContactKey {
  locationId: string;
  contactId: string;
}
const contactKey = (key: ContactKey) => `${key.locationId}/${key.contactId}`;

/**
 * The crm's per-request DataLoaders (`context.loaders`): a page of opportunities or appointments
 * asks for each one's contact, and this reads them with one query per location instead of one per row.
 */
export function crmLoaders(crm: Crm) {
  return {
    contacts: batchLoader(async (keys: readonly ContactKey[]) => {
      const byLocation = new Map<string, string[]>();
      for (const key of keys)
        byLocation.set(key.locationId, [...(byLocation.get(key.locationId) ?? []), key.contactId]);
      const found = new Map<string, ContactView>();
      for (const [locationId, ids] of byLocation)
        for (const [id, contact] of await contactsByIds(crm, locationId, ids))
          found.set(`${locationId}/${id}`, contact);
      return found;
    }, contactKey),
  };
}

export type CrmLoaders = ReturnType<typeof crmLoaders>;
