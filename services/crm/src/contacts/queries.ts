import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import type { CustomFieldValue } from '../custom-fields/values.js';
import { afterCursorSql, pageResult, type CursorPage, type ListMeta } from '../pagination.js';

/** A contact as the application layer answers it (HighLevel's Contact, times as ISO 8601). */
export interface ContactView {
  id: string;
  locationId: string;
  firstName: string | null;
  lastName: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  companyName: string | null;
  address1: string | null;
  city: string | null;
  state: string | null;
  postalCode: string | null;
  country: string | null;
  website: string | null;
  timezone: string | null;
  dnd: boolean;
  tags: string[];
  source: string | null;
  customFields: { id: string; value: CustomFieldValue }[];
  assignedTo: string | null;
  dateOfBirth: string | null;
  dateAdded: string;
  dateUpdated: string;
}

interface ContactRow {
  id: string;
  location_id: string;
  first_name: string | null;
  last_name: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  company_name: string | null;
  address1: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
  website: string | null;
  timezone: string | null;
  dnd: boolean;
  tags: string[];
  source: string | null;
  assigned_to: string | null;
  date_of_birth: string | null;
  custom_fields: { id: string; value: CustomFieldValue }[];
  date_added: Date;
  date_updated: Date;
}

const SELECT = `select id, location_id, first_name, last_name, name, email, phone, company_name, address1,
  city, state, postal_code, country, website, timezone, dnd, tags, source, assigned_to, date_of_birth,
  custom_fields, date_added, date_updated from contacts`;

const toView = (row: ContactRow): ContactView => ({
  id: row.id,
  locationId: row.location_id,
  firstName: row.first_name,
  lastName: row.last_name,
  name: row.name,
  email: row.email,
  phone: row.phone,
  companyName: row.company_name,
  address1: row.address1,
  city: row.city,
  state: row.state,
  postalCode: row.postal_code,
  country: row.country,
  website: row.website,
  timezone: row.timezone,
  dnd: row.dnd,
  tags: row.tags,
  source: row.source,
  customFields: row.custom_fields,
  assignedTo: row.assigned_to,
  dateOfBirth: row.date_of_birth,
  dateAdded: row.date_added.toISOString(),
  dateUpdated: row.date_updated.toISOString(),
});

/** The location's contact, or undefined (another location's contact looks missing too). */
export async function findContact(
  app: ApplicationContext,
  locationId: string,
  contactId: string,
  manager?: EntityManager,
): Promise<ContactView | undefined> {
  const rows: ContactRow[] = await (manager ?? app.dataSource.manager).query(
    `${SELECT} where id = $1 and location_id = $2`,
    [contactId, locationId],
  );
  return rows[0] && toView(rows[0]);
}

/** Contacts by id within a location (the loaders' batch reader). */
export async function contactsByIds(
  app: ApplicationContext,
  locationId: string,
  ids: readonly string[],
): Promise<ReadonlyMap<string, ContactView>> {
  const rows: ContactRow[] = await app.dataSource.query(`${SELECT} where location_id = $1 and id = any($2)`, [
    locationId,
    ids,
  ]);
  return new Map(rows.map((row) => [row.id, toView(row)]));
}

/** The location's contact holding this email or phone (the duplicate rule), other than `except`. */
export async function findDuplicate(
  app: ApplicationContext,
  locationId: string,
  candidate: { email?: string | null; phone?: string | null },
  except?: string,
): Promise<{ contact: ContactView; matchingField: 'email' | 'phone' } | undefined> {
  const checks: Array<['email' | 'phone', string]> = [];
  if (candidate.email) checks.push(['email', candidate.email]);
  if (candidate.phone) checks.push(['phone', candidate.phone]);
  for (const [field, value] of checks) {
    const rows: ContactRow[] = await app.dataSource.query(
      `${SELECT} where location_id = $1 and ${field} = $2 and id <> $3`,
      [locationId, value, except ?? ''],
    );
    if (rows[0]) return { contact: toView(rows[0]), matchingField: field };
  }
  return undefined;
}

/** A condition of HighLevel's contact search (`filters`), on a column the search allows. */
export interface ContactCondition {
  column: string;
  operator: 'eq' | 'not_eq' | 'contains' | 'not_contains' | 'exists' | 'not_exists' | 'gte' | 'lte';
  value?: string | number | boolean | string[] | null;
}

export interface ContactFilter {
  /** matched (substring) against the names, email, company and the phone's digits */
  query?: string | null;
  /** every one of these tags */
  tags?: string[] | null;
  /** added at or after / before (ISO 8601) */
  dateAddedFrom?: string | null;
  dateAddedTo?: string | null;
  conditions?: ContactCondition[];
  /** by dateAdded; newest first unless `asc` */
  direction?: 'asc' | 'desc';
}

const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The SQL `where` of a filter (after `location_id = $1`), its parameters from `$2` on. */
function whereOf(filter: ContactFilter): { clauses: string[]; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length + 1}`;
  };
  const query = filter.query?.trim().toLowerCase();
  if (query) {
    // a phone-looking query matches the digits HighLevel users type in any format
    const digits = query.replace(/\D/g, '');
    const term = /^[+\d\s().-]+$/.test(query) && digits.length >= 3 ? digits : query;
    clauses.push(`search like ${add(`%${likeEscaped(term)}%`)}`);
  }
  if (filter.tags?.length) clauses.push(`tags @> ${add(filter.tags)}::text[]`);
  if (filter.dateAddedFrom) clauses.push(`date_added >= ${add(filter.dateAddedFrom)}::timestamptz`);
  if (filter.dateAddedTo) clauses.push(`date_added < ${add(filter.dateAddedTo)}::timestamptz`);
  for (const c of filter.conditions ?? []) {
    const column = c.column;
    switch (c.operator) {
      case 'eq':
        clauses.push(
          column === 'tags' ? `tags @> ${add([c.value].flat())}::text[]` : `${column} = ${add(c.value)}`,
        );
        break;
      case 'not_eq':
        clauses.push(
          column === 'tags'
            ? `not (tags && ${add([c.value].flat())}::text[])`
            : `${column} is distinct from ${add(c.value)}`,
        );
        break;
      case 'contains':
        clauses.push(
          column === 'tags'
            ? `tags && ${add([c.value].flat())}::text[]`
            : `${column} ilike ${add(`%${likeEscaped(String(c.value))}%`)}`,
        );
        break;
      case 'not_contains':
        clauses.push(
          column === 'tags'
            ? `not (tags && ${add([c.value].flat())}::text[])`
            : `coalesce(${column}, '') not ilike ${add(`%${likeEscaped(String(c.value))}%`)}`,
        );
        break;
      case 'exists':
        clauses.push(column === 'tags' ? `cardinality(tags) > 0` : `${column} is not null`);
        break;
      case 'not_exists':
        clauses.push(column === 'tags' ? `cardinality(tags) = 0` : `${column} is null`);
        break;
      case 'gte':
        clauses.push(`${column} >= ${add(c.value)}`);
        break;
      case 'lte':
        clauses.push(`${column} <= ${add(c.value)}`);
        break;
      default: {
        const never: never = c.operator;
        throw new Error(`unknown operator ${String(never)}`);
      }
    }
  }
  return { clauses, params };
}

/**
 * A page of the location's contacts matching `filter`, by dateAdded (newest first unless `asc`)
 * then id, after the page's cursor; `offset` skips that many first (HighLevel's search `page`, kept
 * shallow by the caller). The total of an unfiltered list is the location's counter, not a count.
 */
export async function listContacts(
  app: ApplicationContext,
  locationId: string,
  filter: ContactFilter,
  page: CursorPage,
  offset = 0,
): Promise<{ items: ContactView[]; meta: ListMeta }> {
  const direction = filter.direction ?? 'desc';
  const { clauses, params } = whereOf(filter);
  const where = ['location_id = $1', ...clauses].join(' and ');
  const cursor = afterCursorSql(
    page,
    { time: 'date_added', id: 'id', table: 'contacts' },
    params.length + 2,
    direction,
  );
  const listParams = [locationId, ...params, ...cursor.params, page.limit + 1, offset];
  const n = listParams.length;
  const [rows, total] = await Promise.all([
    app.dataSource.query(
      `${SELECT} where ${where} and ${cursor.sql}
       order by date_added ${direction}, id ${direction} limit $${n - 1} offset $${n}`,
      listParams,
    ) as Promise<ContactRow[]>,
    clauses.length === 0
      ? app.dataSource
          .query(`select total from contact_counts where location_id = $1`, [locationId])
          .then((r: { total: string }[]) => Number(r[0]?.total ?? 0))
      : app.dataSource
          .query(`select count(*) as total from contacts where ${where}`, [locationId, ...params])
          .then((r: { total: string }[]) => Number(r[0]!.total)),
  ]);
  const result = pageResult(page, rows, total, (row) => ({ at: row.date_added, id: row.id }));
  return { items: result.items.map(toView), meta: result.meta };
}
