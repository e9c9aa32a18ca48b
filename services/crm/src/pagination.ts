import { DomainError } from '@seren/service-kit/errors';

// HighLevel's list pagination, shared by every crm list (contacts, opportunities, appointments):
// a page of at most `limit` (≤ 100) records after a cursor, the cursor being the last record's
// sort time (`startAfter`, epoch milliseconds) and id (`startAfterId`). A keyset, not an offset: a
// page costs the same at the millionth record as at the first (an index on the sort key and id).
// `page` is HighLevel's page counter, echoed in `meta` (currentPage/nextPage/prevPage); the cursor
// decides which records come.

export interface FieldProblem {
  field: string;
  message: string;
}

/** A validation failure listing every bad field (Serebro's 400 shows them all). */
export function invalidFields(problems: FieldProblem[]): DomainError {
  return new DomainError('VALIDATION_ERROR', problems.map((p) => `${p.field}: ${p.message}`).join('; '), {
    fields: problems,
  });
}

export interface CursorInput {
  limit?: number | null;
  /** the last record's sort time, epoch milliseconds */
  startAfter?: number | null;
  /** the last record's id */
  startAfterId?: string | null;
  /** HighLevel's page counter (1-based), echoed in meta */
  page?: number | null;
}

export interface CursorPage {
  limit: number;
  startAfter: Date | null;
  startAfterId: string | null;
  page: number;
}

/**
 * A cursor page, checked here (the service) so REST and GraphQL refuse alike: `limit` 1..max
 * (default when absent), `startAfter` a non-negative integer of milliseconds, `page` ≥ 1.
 */
export function cursorPageOf(
  input: CursorInput,
  bounds: { defaultLimit: number; maxLimit: number } = { defaultLimit: 20, maxLimit: 100 },
): CursorPage {
  const problems: FieldProblem[] = [];
  const limit = input.limit ?? bounds.defaultLimit;
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit)
    problems.push({ field: 'limit', message: `must be an integer from 1 to ${bounds.maxLimit}` });
  const startAfter = input.startAfter ?? null;
  if (startAfter !== null && (!Number.isSafeInteger(startAfter) || startAfter < 0))
    problems.push({ field: 'startAfter', message: 'must be a timestamp in epoch milliseconds' });
  const page = input.page ?? 1;
  if (!Number.isInteger(page) || page < 1 || page > 1_000_000)
    problems.push({ field: 'page', message: 'must be a positive integer' });
  const startAfterId = input.startAfterId?.trim() || null;
  if (startAfterId !== null && startAfterId.length > 100)
    problems.push({ field: 'startAfterId', message: 'must be a record id' });
  if (problems.length > 0) throw invalidFields(problems);
  return { limit, startAfter: startAfter === null ? null : new Date(startAfter), startAfterId, page };
}

/** HighLevel's list `meta` (without `nextPageUrl`, which the edge builds from the request's URL). */
export interface ListMeta {
  total: number;
  /** the cursor of the next page: the last record's id, or null on the last page */
  startAfterId: string | null;
  /** the cursor of the next page: the last record's sort time in epoch ms, or null on the last page */
  startAfter: number | null;
  currentPage: number;
  nextPage: number | null;
  prevPage: number | null;
}

/**
 * A page's records and meta from the rows read with `limit + 1` (the extra row, dropped, says that
 * another page follows) and the total; `keyOf` gives a row's sort time and id (its cursor).
 */
export function pageResult<Row>(
  page: CursorPage,
  rows: Row[],
  total: number,
  keyOf: (row: Row) => { at: Date; id: string },
): { items: Row[]; meta: ListMeta } {
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  const last = more ? keyOf(items[items.length - 1]!) : undefined;
  return {
    items,
    meta: {
      total,
      startAfterId: last?.id ?? null,
      startAfter: last ? last.at.getTime() : null,
      currentPage: page.page,
      nextPage: more ? page.page + 1 : null,
      prevPage: page.page > 1 ? page.page - 1 : null,
    },
  };
}

/**
 * The keyset condition for a list sorted by `(timeColumn, idColumn)`, newest first (`desc`, the
 * default) or oldest first (`asc`): rows after the cursor. `startAfterId` alone continues after that
 * record (its time read by a subquery on `table`; an unknown id gives an empty page); `startAfter`
 * alone continues past that instant. Returns SQL (with `$n` placeholders numbered from `next`) and
 * its parameters.
 */
export function afterCursorSql(
  page: CursorPage,
  columns: { time: string; id: string; table: string },
  next: number,
  direction: 'asc' | 'desc' = 'desc',
): { sql: string; params: unknown[] } {
  const { startAfter, startAfterId } = page;
  const past = direction === 'desc' ? '<' : '>';
  if (startAfter && startAfterId)
    return {
      sql: `(${columns.time}, ${columns.id}) ${past} ($${next}::timestamptz, $${next + 1}::text)`,
      params: [startAfter, startAfterId],
    };
  if (startAfter) return { sql: `${columns.time} ${past} $${next}::timestamptz`, params: [startAfter] };
  if (startAfterId)
    return {
      sql: `(${columns.time}, ${columns.id}) ${past} (select ${columns.time}, ${columns.id} from ${columns.table} where ${columns.id} = $${next}::text)`,
      params: [startAfterId],
    };
  return { sql: 'true', params: [] };
}

/** An empty list page (a list the caller may not see answers as one, rather than an error). */
export function emptyPage<Item>(): { items: Item[]; meta: ListMeta } {
  return {
    items: [],
    meta: { total: 0, startAfterId: null, startAfter: null, currentPage: 1, nextPage: null, prevPage: null },
  };
}
