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

const COLUMNS = `id, location_id, first_name, last_name, name, email, phone, company_name, address1,
  city, state, postal_code, country, website, timezone, dnd, tags, source, assigned_to, date_of_birth,
  custom_fields, date_added, date_updated`;
const SELECT = `select ${COLUMNS} from contacts`;

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

/** How many contacts match: an unfiltered location's counter, else a count. */
function totalOf(
  app: ApplicationContext,
  locationId: string,
  where: { clauses: string[]; params: unknown[] },
) {
  return where.clauses.length === 0
    ? app.dataSource
        .query(`select total from contact_counts where location_id = $1`, [locationId])
        .then((r: { total: string }[]) => Number(r[0]?.total ?? 0))
    : app.dataSource
        .query(
          `select count(*) as total from contacts where ${['location_id = $1', ...where.clauses].join(' and ')}`,
          [locationId, ...where.params],
        )
        .then((r: { total: string }[]) => Number(r[0]!.total));
}

/**
 * A page of the location's contacts matching `filter`, newest first (dateAdded, then id), after the
 * page's cursor. The total of an unfiltered list is the location's counter, not a count.
 */
export async function listContacts(
  app: ApplicationContext,
  locationId: string,
  filter: ContactFilter,
  page: CursorPage,
): Promise<{ items: ContactView[]; meta: ListMeta }> {
  const filtered = whereOf(filter);
  const where = ['location_id = $1', ...filtered.clauses].join(' and ');
  const cursor = afterCursorSql(
    page,
    { time: 'date_added', id: 'id', table: 'contacts' },
    filtered.params.length + 2,
  );
  const listParams = [locationId, ...filtered.params, ...cursor.params, page.limit + 1];
  const [rows, total] = await Promise.all([
    app.dataSource.query(
      `${SELECT} where ${where} and ${cursor.sql}
       order by date_added desc, id desc limit $${listParams.length}`,
      listParams,
    ) as Promise<ContactRow[]>,
    totalOf(app, locationId, filtered),
  ]);
  const result = pageResult(page, rows, total, (row) => ({ at: row.date_added, id: row.id }));
  return { items: result.items.map(toView), meta: result.meta };
}

// ---- HighLevel's search order ----------------------------------------------------------------

/**
 * What HighLevel's search sorts by, as SQL. Text compares in code-point order of its lower case
 * (`collate "C"`: HighLevel's `firstNameLowerCase`-style keyword fields sort the same way, and it does
 * not depend on the server's locale); each expression has an index `(location_id, <expression>, id)`
 * (migration 1797200100000), so a page is a short index scan at any depth. Times are not null, dnd
 * neither; text may be.
 */
export const CONTACT_SORT_KEYS = {
  dateAdded: { sql: 'date_added', type: 'time' },
  dateUpdated: { sql: 'date_updated', type: 'time' },
  firstName: { sql: '(lower(first_name) collate "C")', type: 'text' },
  lastName: { sql: '(lower(last_name) collate "C")', type: 'text' },
  companyName: { sql: '(lower(company_name) collate "C")', type: 'text' },
  email: { sql: '(email collate "C")', type: 'text' },
  source: { sql: '(lower(source) collate "C")', type: 'text' },
  dnd: { sql: 'dnd', type: 'boolean' },
} as const satisfies Record<string, { sql: string; type: 'time' | 'text' | 'boolean' }>;

export type ContactSortKey = keyof typeof CONTACT_SORT_KEYS;
export interface ContactSort {
  key: ContactSortKey;
  direction: 'asc' | 'desc';
}
/** A contact's value of a sort key as a cursor carries it: epoch ms, text or boolean; null when it has none. */
export type ContactSortValue = number | string | boolean | null;

const CASTS = { time: 'timestamptz', text: 'text', boolean: 'boolean' } as const;

/**
 * A page of HighLevel's search: the location's contacts matching `filter`, ordered by `sorts` (the
 * first is primary), ties by id in the first sort's direction, contacts without a value last in
 * either direction; after `after` (a contact's sort values and id, its `searchAfter`), skipping
 * `offset` (HighLevel's `page`, kept ≤ 10,000 deep by the caller). Each contact comes with its
 * `searchAfter`.
 *
 * A nullable primary key reads in two parts, each an ordered scan of the key's index: the contacts
 * with a value, then those without (by id); at most `offset + limit + 1` rows of each are merged.
 * A second sort key is ordered within the first (an incremental sort): cheap when the first is
 * nearly unique (dates), a sort of the tied rows otherwise.
 */
export async function searchContactRows(
  app: ApplicationContext,
  locationId: string,
  filter: ContactFilter,
  sorts: readonly ContactSort[],
  after: { values: ContactSortValue[]; id: string } | null,
  limit: number,
  offset: number,
): Promise<{ items: ContactView[]; searchAfter: ContactSortValue[][]; total: number; more: boolean }> {
  const filtered = whereOf(filter);
  const params: unknown[] = [locationId, ...filtered.params];
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const keys = [
    ...sorts.map((sort) => {
      const key = CONTACT_SORT_KEYS[sort.key];
      return { sql: key.sql, type: key.type as 'time' | 'text' | 'boolean', direction: sort.direction };
    }),
    { sql: 'id', type: 'text' as const, direction: sorts[0]!.direction },
  ];
  const nullable = (index: number) => index < sorts.length && keys[index]!.type === 'text';
  const cursor = after ? [...after.values, after.id] : null;
  const placeholders = cursor?.map((value, index) =>
    value === null
      ? null
      : `${add(keys[index]!.type === 'time' ? new Date(value as number) : value)}::${CASTS[keys[index]!.type]}`,
  );
  const past = (index: number) => (keys[index]!.direction === 'asc' ? '>' : '<');

  // rows after the cursor in (key nulls last, ..., id) order: for some key, equal on the ones before and past on it
  const afterCursor = () => {
    if (!placeholders) return 'true';
    const alternatives = keys.map((key, index) => {
      const equalBefore = keys
        .slice(0, index)
        .map((k, j) => (placeholders[j] === null ? `${k.sql} is null` : `${k.sql} = ${placeholders[j]}`));
      const value = placeholders[index];
      // nothing sorts past "no value" but another contact without one (by the later keys)
      const beyond =
        value === null
          ? 'false'
          : nullable(index)
            ? `(${key.sql} ${past(index)} ${value} or ${key.sql} is null)`
            : `${key.sql} ${past(index)} ${value}`;
      return `(${[...equalBefore, beyond].join(' and ')})`;
    });
    return `(${alternatives.join(' or ')})`;
  };

  const primary = keys[0]!;
  const order = (inner: boolean) =>
    keys
      .map((key, index) => {
        const sql = inner ? key.sql : `s${index}`;
        // inside a part the primary key has no nulls (or only nulls): its index's own order serves it
        const nulls = nullable(index) && !(inner && index === 0) ? ' nulls last' : '';
        return `${sql} ${key.direction}${nulls}`;
      })
      .join(', ');
  const selected = keys.map((key, index) => `${key.sql} as s${index}`).join(', ');
  const where = ['location_id = $1', ...filtered.clauses];
  const window = add(offset + limit + 1);
  const part = (n: 0 | 1, conditions: string[]) =>
    `(select ${COLUMNS}, ${n} as part, ${selected} from contacts where ${[...where, ...conditions].join(' and ')}
      order by ${order(true)} limit ${window})`;

  const parts: string[] = [];
  const valuedBound = () => {
    // an index bound implied by afterCursor(), so the scan starts at the cursor
    if (!placeholders || placeholders[0] === null) return [];
    return keys.length === 2
      ? [`(${primary.sql}, id) ${past(0)} (${placeholders[0]}, ${placeholders[1]})`]
      : [`${primary.sql} ${past(0)}= ${placeholders[0]}`];
  };
  if (!nullable(0)) parts.push(part(0, [...valuedBound(), afterCursor()]));
  else {
    if (!placeholders || placeholders[0] !== null)
      parts.push(part(0, [`${primary.sql} is not null`, ...valuedBound(), afterCursor()]));
    // every contact without the primary value comes after a cursor that has one
    parts.push(
      part(1, [
        `${primary.sql} is null`,
        ...(placeholders && placeholders[0] === null ? [afterCursor()] : []),
      ]),
    );
  }
  const sql = `select * from (${parts.join(' union all ')}) page order by part, ${order(false)}
    limit ${add(limit + 1)} offset ${add(offset)}`;
  type Row = ContactRow & Record<`s${number}`, Date | string | boolean | null>;
  const [rows, total] = await Promise.all([
    app.dataSource.query(sql, params) as Promise<Row[]>,
    totalOf(app, locationId, filtered),
  ]);
  const more = rows.length > limit;
  const items = more ? rows.slice(0, limit) : rows;
  return {
    items: items.map(toView),
    searchAfter: items.map((row) =>
      keys.map((_, index) => {
        const value = row[`s${index}`] ?? null;
        return value instanceof Date ? value.getTime() : value;
      }),
    ),
    total,
    more,
  };
}
