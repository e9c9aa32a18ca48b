import { publisherErrors } from './fields.js';
import type { Commerce } from '../application.js';
import {
  findStorePublisher,
  PUBLISHER_SELECT,
  publisherOfRow,
  type PublisherRecord,
  type PublisherRow,
} from './queries.js';

// The store: what agents see of the publishers, public. Only active publishers that were not
// deleted are listed and suggested; `GET /publishers/{slug}` finds an inactive one too (its page
// says it is inactive), never a deleted one.

const IN_STORE = `p.deleted_at is null and p.is_active`;

export interface StoreQuery {
  isVerified?: boolean | null;
  category?: string | null;
  search?: string | null;
  limit?: number | null;
  offset?: number | null;
}

function range(
  value: number | null | undefined,
  field: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === null) return fallback;
  if (!Number.isInteger(value) || value < min || value > max)
    throw publisherErrors.validationError(`${field}: a whole number from ${min} to ${max}`, {
      field,
      reason: 'INVALID_FIELD',
    });
  return value;
}

/**
 * The store's list: filters by verification, category (its `publisher_category` — database,
 * integration, compute — or one of its `categories`, any case) and `search` (name or slug containing it, or its words matching the listing's full text),
 * newest first; `limit` 1-100 (default 50), `offset` ≥ 0.
 */
export async function listStorePublishers(
  commerce: Commerce,
  query: StoreQuery,
): Promise<{ items: PublisherRecord[]; total: number; limit: number; offset: number }> {
  const limit = range(query.limit, 'limit', 50, 1, 100);
  const offset = range(query.offset, 'offset', 0, 0, 1_000_000);
  const where = [IN_STORE];
  const params: unknown[] = [];
  if (query.isVerified !== undefined && query.isVerified !== null) {
    params.push(query.isVerified);
    where.push(`p.is_verified = $${params.length}`);
  }
  if (query.category) {
    params.push(query.category.trim().toLowerCase());
    where.push(
      `(lower(p.config->>'publisher_category') = $${params.length} or exists (select 1 from unnest(p.categories) c where lower(c) = $${params.length}))`,
    );
  }
  if (query.search && query.search.trim()) {
    const search = query.search.trim();
    params.push(`%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const like = params.length;
    params.push(search);
    where.push(
      `(p.name ilike $${like} or p.slug ilike $${like} or p.search @@ plainto_tsquery('english', $${params.length}))`,
    );
  }
  const filter = where.join(' and ');
  const [{ total }] = (await commerce.dataSource.query(
    `select count(*)::int as total from publishers p where ${filter}`,
    params,
  )) as { total: number }[] as [{ total: number }];
  const rows = await commerce.dataSource.query(
    `${PUBLISHER_SELECT} where ${filter} order by p.created_at desc, p.id limit $${params.length + 1} offset $${params.length + 2}`,
    [...params, limit, offset],
  );
  return { items: rows.map(publisherOfRow), total, limit, offset };
}

export interface PublisherSuggestion {
  publisher: PublisherRecord;
  /** PostgreSQL's ts_rank_cd of the listing against the task, normalized to 0-1 */
  score: number;
  /** the task's words the listing matched (stemmed, as the full-text search saw them) */
  matched: string[];
}

/**
 * Publishers for a task text, ranked by PostgreSQL full-text search over their listing: name and
 * slug weigh most, then categories, capabilities and use cases, then descriptions. The task's
 * words are OR-ed, so a listing matching more of them ranks higher (ts_rank_cd, normalized by
 * rank/(rank+1)). `type`: publisher, agent or both; agent suggestions are not implemented (the
 * spec says they are planned), so they are always empty.
 */
export async function suggestPublishers(
  commerce: Commerce,
  input: { query: string; type?: string | null; limit?: number | null },
): Promise<{ query: string; type: 'publisher' | 'agent' | 'both'; publishers: PublisherSuggestion[] }> {
  const text = input.query?.trim() ?? '';
  if (!text || text.length > 1000)
    throw publisherErrors.validationError('query: 1-1000 characters', {
      field: 'query',
      reason: 'INVALID_FIELD',
    });
  const type = (input.type ?? 'both').toLowerCase();
  if (type !== 'publisher' && type !== 'agent' && type !== 'both')
    throw publisherErrors.validationError('type: publisher, agent or both', {
      field: 'type',
      reason: 'INVALID_FIELD',
    });
  const limit = range(input.limit, 'limit', 5, 1, 20);
  if (type === 'agent') return { query: text, type, publishers: [] };
  const ranked: { id: string; score: number; matched: string[] | null }[] = await commerce.dataSource.query(
    `with q as (
       select nullif(replace(plainto_tsquery('english', $1)::text, ' & ', ' | '), '')::tsquery as q,
              tsvector_to_array(to_tsvector('english', $1)) as words
     )
     select p.id, ts_rank_cd(p.search, q.q, 32)::float8 as score,
            array(select unnest(q.words) intersect select unnest(tsvector_to_array(p.search)) order by 1) as matched
     from publishers p, q
     where ${IN_STORE} and q.q is not null and p.search @@ q.q
     order by score desc, p.created_at desc, p.id
     limit $2`,
    [text, limit],
  );
  const rows = ranked.length
    ? await commerce.dataSource.query(`${PUBLISHER_SELECT} where p.id = any($1)`, [ranked.map((r) => r.id)])
    : [];
  const byId = new Map<string, PublisherRecord>(
    (rows as PublisherRow[]).map((row) => [row.id, publisherOfRow(row)]),
  );
  return {
    query: text,
    type,
    publishers: ranked.map((r) => ({
      publisher: byId.get(r.id)!,
      score: Math.round(Number(r.score) * 10_000) / 10_000,
      matched: r.matched ?? [],
    })),
  };
}

/** A publisher's store page by slug; 404 for none or a deleted one. */
export async function storePublisher(commerce: Commerce, slug: string): Promise<PublisherRecord> {
  const record = await findStorePublisher(commerce.dataSource.manager, slug);
  if (!record) throw publisherErrors.notFound('Publisher', { reason: 'PUBLISHER_NOT_FOUND' });
  return record;
}
