import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, type RequestOrigin } from '@seren/service-kit';
import type { Crm } from '../application.js';
import { customFieldsOf } from '../custom-fields/queries.js';
import { locationOf } from '../locations.js';
import { cursorPageOf, invalidFields, type CursorInput, type FieldProblem } from '../pagination.js';
import { uniqueViolationOf } from '../unique.js';
import { contactStream } from './contact.js';
import { contactDecider, contactErrors, type ContactCommand, type ContactInput } from './decide.js';
import { countryOf, emailOf, phoneOf } from './fields.js';
import {
  CONTACT_SORT_KEYS,
  findContact,
  findDuplicate,
  listContacts as readContacts,
  searchContactRows,
  type ContactCondition,
  type ContactFilter,
  type ContactSort,
  type ContactSortKey,
  type ContactSortValue,
  type ContactView,
} from './queries.js';

async function handleContact(crm: Crm, request: RequestOrigin, contactId: string, command: ContactCommand) {
  return handle(crm, undefined, contactStream(contactId), contactDecider, command, eventMetadataOf(request));
}

async function found(crm: Crm, locationId: string, contactId: string): Promise<ContactView> {
  const contact = await findContact(crm, locationId, contactId);
  if (!contact) throw contactErrors.notFound('contact');
  return contact;
}

/** HighLevel's answer to a second contact with a location's email or phone: 400 naming the existing one. */
function duplicate(existing: ContactView, matchingField: 'email' | 'phone') {
  return contactErrors.validationError('This location does not allow duplicated contacts.', {
    reason: 'DUPLICATE_CONTACT',
    meta: { contactId: existing.id, contactName: existing.name, matchingField },
  });
}

/** The email and phone the input would store (normalised as decide does), to look for a duplicate. */
function identifiersOf(input: ContactInput, country: string | null | undefined) {
  const ignored: FieldProblem[] = [];
  const countryCode = countryOf(input.country, 'country', ignored) ?? country;
  return {
    email: emailOf(input.email, 'email', ignored),
    phone: phoneOf(input.phone, countryCode, 'phone', ignored),
  };
}

/**
 * Runs a contact command that may give it an email or phone; the location's unique indexes decide
 * a race between two such commands, and the loser hears of the winner like any duplicate.
 */
async function withDuplicateCheck(
  crm: Crm,
  locationId: string,
  identifiers: { email?: string | null; phone?: string | null },
  contactId: string | undefined,
  run: () => Promise<unknown>,
): Promise<void> {
  const existing = await findDuplicate(crm, locationId, identifiers, contactId);
  if (existing) throw duplicate(existing.contact, existing.matchingField);
  try {
    await run();
  } catch (error) {
    if (uniqueViolationOf(error)) {
      const winner = await findDuplicate(crm, locationId, identifiers, contactId);
      if (winner) throw duplicate(winner.contact, winner.matchingField);
    }
    throw error;
  }
}

/** Creates a contact in the caller's location (email or phone required; unique there). */
export async function createContact(
  crm: Crm,
  request: RequestOrigin,
  input: ContactInput,
): Promise<ContactView> {
  const locationId = locationOf(request);
  const contactId = randomUUID();
  const definitions = await customFieldsOf(crm, locationId);
  await withDuplicateCheck(crm, locationId, identifiersOf(input, null), undefined, () =>
    handleContact(crm, request, contactId, {
      type: 'CreateContact',
      contactId,
      locationId,
      input,
      definitions,
      now: crm.now().toISOString(),
    }),
  );
  return found(crm, locationId, contactId);
}

export function getContact(crm: Crm, request: RequestOrigin, contactId: string): Promise<ContactView> {
  return found(crm, locationOf(request), contactId);
}

/** Changes the fields given (PUT and PATCH alike, as HighLevel's PUT); `tags`, when given, replace them. */
export async function updateContact(
  crm: Crm,
  request: RequestOrigin,
  contactId: string,
  input: ContactInput,
): Promise<ContactView> {
  const locationId = locationOf(request);
  const contact = await found(crm, locationId, contactId);
  const definitions = await customFieldsOf(crm, locationId);
  const identifiers = identifiersOf(input, contact.country);
  const changes = {
    email: identifiers.email && identifiers.email !== contact.email ? identifiers.email : undefined,
    phone: identifiers.phone && identifiers.phone !== contact.phone ? identifiers.phone : undefined,
  };
  await withDuplicateCheck(crm, locationId, changes, contactId, () =>
    handleContact(crm, request, contactId, {
      type: 'UpdateContact',
      input,
      definitions,
      now: crm.now().toISOString(),
    }),
  );
  return found(crm, locationId, contactId);
}

export async function deleteContact(crm: Crm, request: RequestOrigin, contactId: string): Promise<boolean> {
  const locationId = locationOf(request);
  await found(crm, locationId, contactId);
  await handleContact(crm, request, contactId, { type: 'DeleteContact', now: crm.now().toISOString() });
  return true;
}

export async function addContactTags(
  crm: Crm,
  request: RequestOrigin,
  contactId: string,
  tags: string[],
): Promise<ContactView> {
  const locationId = locationOf(request);
  await found(crm, locationId, contactId);
  await handleContact(crm, request, contactId, {
    type: 'AddContactTags',
    tags,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, contactId);
}

export async function removeContactTags(
  crm: Crm,
  request: RequestOrigin,
  contactId: string,
  tags: string[],
): Promise<ContactView> {
  const locationId = locationOf(request);
  await found(crm, locationId, contactId);
  await handleContact(crm, request, contactId, {
    type: 'RemoveContactTags',
    tags,
    now: crm.now().toISOString(),
  });
  return found(crm, locationId, contactId);
}

/** The spec's list filters: name, tag, creation date, and HighLevel's `query`. */
export interface ContactListFilter {
  query?: string | null;
  name?: string | null;
  tags?: string[] | null;
  dateAddedFrom?: string | null;
  dateAddedTo?: string | null;
}

const isInstant = (value: string) => !Number.isNaN(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}/.test(value);

/** A page of the location's contacts, newest first, by cursor (startAfterId/startAfter, limit ≤ 100). */
export function listContacts(crm: Crm, request: RequestOrigin, filter: ContactListFilter, page: CursorInput) {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  for (const field of ['dateAddedFrom', 'dateAddedTo'] as const) {
    const value = filter[field];
    if (value && !isInstant(value))
      problems.push({ field, message: 'must be an ISO 8601 date or date-time' });
  }
  let cursor;
  try {
    cursor = cursorPageOf(page);
  } catch (error) {
    problems.push(...((error as { details?: { fields?: FieldProblem[] } }).details?.fields ?? []));
  }
  if (problems.length > 0 || !cursor) throw invalidFields(problems);
  const conditions: ContactCondition[] = [];
  if (filter.name?.trim())
    conditions.push({ column: 'name', operator: 'contains', value: filter.name.trim() });
  return readContacts(
    crm,
    locationId,
    {
      query: filter.query,
      tags: filter.tags?.map((tag) => tag.trim().toLowerCase()).filter(Boolean),
      dateAddedFrom: filter.dateAddedFrom,
      dateAddedTo: filter.dateAddedTo,
      conditions,
    },
    cursor,
  );
}

// ---- HighLevel's POST /contacts/search ---------------------------------------------------------

/** The fields HighLevel's search filters on, and their columns. */
const SEARCH_COLUMNS: Record<string, string> = {
  id: 'id',
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
  source: 'source',
  assignedTo: 'assigned_to',
  dnd: 'dnd',
  tags: 'tags',
  dateAdded: 'date_added',
  dateUpdated: 'date_updated',
};
const OPERATORS = ['eq', 'not_eq', 'contains', 'not_contains', 'exists', 'not_exists', 'range'] as const;

export interface ContactSearchFilter {
  field?: string | null;
  operator?: string | null;
  value?: unknown;
  /** HighLevel's nested group; only AND groups are taken */
  group?: string | null;
  filters?: ContactSearchFilter[] | null;
}

export interface ContactSearchInput {
  query?: string | null;
  filters?: ContactSearchFilter[] | null;
  sort?: { field?: string | null; direction?: string | null }[] | null;
  page?: number | null;
  pageLimit?: number | null;
  /** HighLevel's deep-paging cursor: the last contact's `searchAfter` (its sort values, then its id) */
  searchAfter?: unknown[] | null;
}

/** The fields HighLevel's search sorts by (its names, and ours where they differ), and their keys. */
const SORT_FIELDS: Record<string, ContactSortKey> = {
  dateAdded: 'dateAdded',
  dateUpdated: 'dateUpdated',
  firstNameLowerCase: 'firstName',
  firstName: 'firstName',
  lastNameLowerCase: 'lastName',
  lastName: 'lastName',
  businessName: 'companyName',
  companyName: 'companyName',
  email: 'email',
  dnd: 'dnd',
  source: 'source',
};
/** HighLevel combines at most two sorts. */
export const MAX_SEARCH_SORTS = 2;

function sortsOf(input: ContactSearchInput['sort'], problems: FieldProblem[]): ContactSort[] {
  const sorts: ContactSort[] = [];
  if ((input?.length ?? 0) > MAX_SEARCH_SORTS) {
    problems.push({
      field: 'sort',
      message: `at most ${MAX_SEARCH_SORTS} sort fields (the first is primary)`,
    });
    return sorts;
  }
  (input ?? []).forEach((sort, index) => {
    const key = SORT_FIELDS[sort.field ?? ''];
    if (!key)
      problems.push({
        field: `sort.${index}.field`,
        message: `must be one of ${Object.keys(SORT_FIELDS).join(', ')}`,
      });
    else if (sorts.some((s) => s.key === key))
      problems.push({ field: `sort.${index}.field`, message: 'already sorted by that field' });
    const direction = (sort.direction ?? 'desc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc')
      problems.push({ field: `sort.${index}.direction`, message: 'asc or desc' });
    else if (key) sorts.push({ key, direction });
  });
  return input?.length ? sorts : [{ key: 'dateAdded', direction: 'desc' }];
}

/** The contact's sort values and id from HighLevel's `searchAfter`, checked against the sorts. */
function searchAfterOf(
  raw: unknown[],
  sorts: readonly ContactSort[],
  problems: FieldProblem[],
): { values: ContactSortValue[]; id: string } | null {
  const id = raw[sorts.length];
  const values = raw.slice(0, sorts.length);
  const fits = values.every((value, index) => {
    switch (CONTACT_SORT_KEYS[sorts[index]!.key].type) {
      case 'time':
        // the range of a JavaScript date (and within PostgreSQL's)
        return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 8.64e15;
      case 'text':
        return value === null || (typeof value === 'string' && value.length <= 1000);
      case 'boolean':
        return typeof value === 'boolean';
    }
  });
  const idFits = typeof id === 'string' && id.length > 0 && id.length <= 100;
  if (raw.length !== sorts.length + 1 || !fits || !idFits) {
    const shape = [
      ...sorts.map((s) => `${s.key} ${CONTACT_SORT_KEYS[s.key].type === 'time' ? 'epoch ms' : 'value'}`),
      'id',
    ];
    problems.push({
      field: 'searchAfter',
      message: `must be the last contact's searchAfter: [${shape.join(', ')}]`,
    });
    return null;
  }
  return { values: values as ContactSortValue[], id };
}

/** HighLevel's search pages by number up to 10,000 records deep; past that, `searchAfter`. */
export const MAX_SEARCH_DEPTH = 10_000;

function conditionsOf(
  filters: readonly ContactSearchFilter[],
  path: string,
  problems: FieldProblem[],
  into: ContactCondition[],
): void {
  filters.forEach((filter, index) => {
    const at = `${path}.${index}`;
    if (filter.filters) {
      if ((filter.group ?? 'AND').toUpperCase() !== 'AND')
        problems.push({ field: `${at}.group`, message: 'only AND groups are supported' });
      else conditionsOf(filter.filters, `${at}.filters`, problems, into);
      return;
    }
    const column = SEARCH_COLUMNS[filter.field ?? ''];
    if (!column) {
      problems.push({
        field: `${at}.field`,
        message: `must be one of ${Object.keys(SEARCH_COLUMNS).join(', ')}`,
      });
      return;
    }
    const operator = (filter.operator ?? '') as (typeof OPERATORS)[number];
    if (!OPERATORS.includes(operator)) {
      problems.push({ field: `${at}.operator`, message: `must be one of ${OPERATORS.join(', ')}` });
      return;
    }
    const value = filter.value;
    const timeColumn = column === 'date_added' || column === 'date_updated';
    if (operator === 'range') {
      const range = (value ?? {}) as { gte?: unknown; lte?: unknown; gt?: unknown; lt?: unknown };
      const bounds = [
        ['gte', range.gte ?? range.gt],
        ['lte', range.lte ?? range.lt],
      ] as const;
      let any = false;
      for (const [bound, raw] of bounds) {
        if (raw === undefined || raw === null) continue;
        const instant =
          typeof raw === 'number' ? new Date(raw) : typeof raw === 'string' ? new Date(raw) : undefined;
        if (!timeColumn || !instant || Number.isNaN(instant.getTime())) {
          problems.push({
            field: `${at}.value`,
            message: 'range takes {gte, lte} dates on dateAdded or dateUpdated',
          });
          return;
        }
        into.push({ column, operator: bound, value: instant.toISOString() });
        any = true;
      }
      if (!any) problems.push({ field: `${at}.value`, message: 'range takes {gte, lte}' });
      return;
    }
    if (operator === 'exists' || operator === 'not_exists') {
      into.push({ column, operator });
      return;
    }
    const scalar = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
    const list = Array.isArray(value) && value.every((v) => typeof v === 'string');
    if (!scalar && !(column === 'tags' && list)) {
      problems.push({ field: `${at}.value`, message: 'must be a string, number or boolean' });
      return;
    }
    if (column === 'dnd' && typeof value !== 'boolean') {
      problems.push({ field: `${at}.value`, message: 'dnd takes true or false' });
      return;
    }
    let normalised: ContactCondition['value'] = value as ContactCondition['value'];
    if (column === 'email' && typeof value === 'string') normalised = value.trim().toLowerCase();
    if (column === 'tags')
      normalised = [value as string | string[]].flat().map((t) => t.trim().toLowerCase());
    into.push({ column, operator, value: normalised });
  });
}

/**
 * HighLevel's contact search in the caller's location: `query`, AND-ed `filters`, `sort` by up to two
 * fields (newest first by default; ties by id; contacts without the value last), `page`/`pageLimit`
 * (≤ 100, at most 10,000 deep) or `searchAfter` (the last contact's sort values and id) past that.
 * Each contact comes with its own `searchAfter`.
 */
export async function searchContacts(crm: Crm, request: RequestOrigin, input: ContactSearchInput) {
  const locationId = locationOf(request);
  const problems: FieldProblem[] = [];
  const conditions: ContactCondition[] = [];
  conditionsOf(input.filters ?? [], 'filters', problems, conditions);
  const sorts = sortsOf(input.sort, problems);
  const after =
    input.searchAfter && sorts.length > 0 ? searchAfterOf(input.searchAfter, sorts, problems) : null;
  let cursor;
  try {
    cursor = cursorPageOf({ limit: input.pageLimit, page: input.page });
  } catch (error) {
    problems.push(
      ...((error as { details?: { fields?: FieldProblem[] } }).details?.fields ?? []).map((p) => ({
        ...p,
        field: p.field === 'limit' ? 'pageLimit' : p.field,
      })),
    );
  }
  const offset = cursor && !input.searchAfter ? (cursor.page - 1) * cursor.limit : 0;
  if (offset + (cursor?.limit ?? 0) > MAX_SEARCH_DEPTH)
    problems.push({
      field: 'page',
      message: `pages reach ${MAX_SEARCH_DEPTH} contacts deep; use searchAfter past that`,
    });
  if (problems.length > 0 || !cursor) throw invalidFields(problems);
  const filter: ContactFilter = { query: input.query, conditions };
  const found = await searchContactRows(crm, locationId, filter, sorts, after, cursor.limit, offset);
  const last = found.more ? found.searchAfter[found.searchAfter.length - 1] : undefined;
  const lastTime = last && CONTACT_SORT_KEYS[sorts[0]!.key].type === 'time' ? (last[0] as number) : null;
  return {
    items: found.items,
    searchAfter: found.searchAfter,
    meta: {
      total: found.total,
      startAfterId: last ? (last[last.length - 1] as string) : null,
      startAfter: lastTime,
      currentPage: cursor.page,
      nextPage: found.more ? cursor.page + 1 : null,
      prevPage: cursor.page > 1 ? cursor.page - 1 : null,
    },
  };
}
