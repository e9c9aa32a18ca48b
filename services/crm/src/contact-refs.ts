import type { ApplicationContext } from '@seren/service-kit';
import type { FieldProblem } from './pagination.js';

/**
 * Opportunities and appointments name a contact by id; it must be a contact of the same location.
 * Read from the contacts read model (contacts/, which owns it and is the only writer), in the
 * location, so another location's contact is "not found" like a missing one. Adds a problem for
 * `field` when it is not there.
 */
export async function checkContact(
  app: ApplicationContext,
  locationId: string,
  contactId: string | null | undefined,
  field: string,
  problems: FieldProblem[],
): Promise<void> {
  if (!contactId) return;
  const rows: unknown[] = await app.dataSource.query(
    `select 1 from contacts where id = $1 and location_id = $2`,
    [contactId, locationId],
  );
  if (rows.length === 0) problems.push({ field, message: 'is not a contact of this location' });
}
