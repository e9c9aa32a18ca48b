import { z } from 'zod';
import type { RouteRequest } from '../../types.js';

// HighLevel's list `meta`, shared by every Serebro list (contacts, opportunities, appointments):
// `{total, nextPageUrl, startAfterId, startAfter, currentPage, nextPage, prevPage}`. The cursor of the
// next page is the last record's id and sort time (epoch ms); the crm service computes it
// (services/crm/src/pagination.ts), the edge adds `nextPageUrl`: the request's own URL with that
// cursor (and the next page number), so a client can follow it as HighLevel's.

export const metaSchema = z.object({
  total: z.number().int().describe('how many records match'),
  nextPageUrl: z.string().nullable().describe("the next page's URL; null on the last page"),
  startAfterId: z.string().nullable().describe("the next page's cursor: the last record's id"),
  startAfter: z
    .number()
    .int()
    .nullable()
    .describe("the next page's cursor: the last record's time, epoch ms"),
  currentPage: z.number().int(),
  nextPage: z.number().int().nullable(),
  prevPage: z.number().int().nullable(),
});

/** The service's meta (its GraphQL `ListMeta`). */
export interface ServiceListMeta {
  total: number;
  startAfterId: string | null;
  startAfter: number | null;
  currentPage: number;
  nextPage: number | null;
  prevPage: number | null;
}

/**
 * The REST meta: the service's, with `nextPageUrl` built from the request's URL (its query with the
 * next cursor and page). `names` maps the cursor to the list's query parameter names.
 */
export function metaToRest(
  meta: ServiceListMeta,
  request: Pick<RouteRequest, 'url' | 'headers'>,
  names: { startAfter?: string; startAfterId?: string; page?: string } = {},
): z.input<typeof metaSchema> {
  return { ...meta, nextPageUrl: nextPageUrlOf(meta, request, names) };
}

function nextPageUrlOf(
  meta: ServiceListMeta,
  request: Pick<RouteRequest, 'url' | 'headers'>,
  names: { startAfter?: string; startAfterId?: string; page?: string },
): string | null {
  if (meta.startAfterId === null || meta.startAfter === null || meta.nextPage === null) return null;
  const forwarded = request.headers['x-forwarded-proto'];
  const proto = typeof forwarded === 'string' && forwarded === 'https' ? 'https' : 'http';
  const host = request.headers.host ?? 'localhost';
  const url = new URL(request.url, `${proto}://${host}`);
  // one serialisation of the query (each `url.searchParams.set` re-serialises the whole URL)
  const query = new URLSearchParams(url.search);
  query.set(names.startAfterId ?? 'startAfterId', meta.startAfterId);
  query.set(names.startAfter ?? 'startAfter', String(meta.startAfter));
  query.set(names.page ?? 'page', String(meta.nextPage));
  url.search = query.toString();
  return url.href;
}
