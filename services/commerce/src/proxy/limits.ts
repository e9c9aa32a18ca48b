import type { EntityManager } from 'typeorm';
import type { ProxyPublisher } from '../publishers/index.js';

// The proxy's two refusals before anything is paid: a publisher's `max_queries_per_minute` per
// agent (429), and its geo restriction (403 with the documented GeoRestrictedError body).

/**
 * Counts the call in the agent's current minute (a clock-aligned window shared by every replica:
 * one upsert) and answers whether it is within the publisher's limit, and when the window ends.
 */
export async function countCall(
  manager: EntityManager,
  publisherId: string,
  agent: string,
  limit: number,
  now: Date,
): Promise<{ allowed: boolean; retryAfterSeconds: number }> {
  const windowStart = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
  const rows: { calls: number }[] = await manager.query(
    `insert into proxy_rate_windows (publisher_id, agent, window_start, calls) values ($1, $2, $3, 1)
     on conflict (publisher_id, agent, window_start) do update set calls = proxy_rate_windows.calls + 1
     returning calls`,
    [publisherId, agent, windowStart],
  );
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart.getTime() + 60_000 - now.getTime()) / 1000));
  return { allowed: rows[0]!.calls <= limit, retryAfterSeconds };
}

/** Windows that ended more than a minute ago: the sweep deletes them. */
export async function dropOldWindows(manager: EntityManager, now: Date): Promise<void> {
  await manager.query(`delete from proxy_rate_windows where window_start < $1`, [
    new Date(now.getTime() - 120_000),
  ]);
}

/** The request headers that name the caller's country (ISO 3166-1 alpha-2), set by the CDN in front of the edge. */
export const COUNTRY_HEADERS = ['cf-ipcountry', 'x-country-code', 'x-vercel-ip-country'];
/** The caller opts in to being routed through the publisher's proxy region. */
export const GEO_ROUTING_HEADER = 'x-seren-geo-routing';

export interface GeoRestrictedError {
  error: string;
  message: string;
  opt_in_endpoint: string;
  proxy_region: string;
  publisher: string;
}

/**
 * The documented 403 when the publisher is geo-restricted for this caller and the caller did not
 * opt in to routing: restricted with no blocked list means every caller; with a list, callers whose
 * country (COUNTRY_HEADERS) is on it, or whose country is unknown. Opting in is the header
 * `X-Seren-Geo-Routing: enabled`, and only where the publisher names a `geo_proxy_region` to route
 * through. Limit: this deployment has one egress; an opted-in call leaves from it as any other.
 */
export function geoRefusal(
  publisher: ProxyPublisher,
  headers: Record<string, string | string[] | undefined>,
  proxyRegion: string,
  optInEndpoint: string,
): GeoRestrictedError | undefined {
  const geo = publisher.geo;
  if (!geo.restricted) return undefined;
  const header = (name: string) => {
    const value = headers[name];
    return (Array.isArray(value) ? value[0] : value)?.trim();
  };
  const country = COUNTRY_HEADERS.map(header)
    .find((value) => value && /^[A-Za-z]{2}$/.test(value))
    ?.toUpperCase();
  const blocked = geo.blockedCountries.map((c) => c.toUpperCase());
  const applies = blocked.length === 0 || country === undefined || blocked.includes(country);
  if (!applies) return undefined;
  const optedIn = header(GEO_ROUTING_HEADER)?.toLowerCase() === 'enabled';
  if (optedIn && geo.proxyRegion) return undefined;
  const region = geo.proxyRegion ?? proxyRegion;
  return {
    error: 'GEO_RESTRICTED',
    message: `Publisher ${publisher.slug} is geo-restricted${country ? ` for ${country}` : ''} and routing is not enabled: send X-Seren-Geo-Routing: enabled to route through ${region}${geo.proxyRegion ? '' : ' (the publisher names no routing region)'}`,
    opt_in_endpoint: optInEndpoint,
    proxy_region: region,
    publisher: publisher.slug,
  };
}

/**
 * `free_queries_per_day`: the agent's first `limit` priced calls to the publisher each UTC day cost
 * nothing. Takes one of the day's free calls (one upsert shared by replicas, `proxy_free_calls`) and
 * answers whether there was one left.
 */
export async function takeFreeCall(
  manager: EntityManager,
  publisherId: string,
  agent: string,
  limit: number,
  now: Date,
): Promise<boolean> {
  if (limit <= 0) return false;
  const rows: unknown[] = await manager.query(
    `insert into proxy_free_calls (publisher_id, agent, day, calls) values ($1, $2, $3, 1)
     on conflict (publisher_id, agent, day) do update set calls = proxy_free_calls.calls + 1
       where proxy_free_calls.calls < $4
     returning calls`,
    [publisherId, agent, now.toISOString().slice(0, 10), limit],
  );
  return rows.length === 1;
}

/** A free call whose upstream failed gives its place back (a failed call costs nothing, a free one included). */
export async function giveFreeCallBack(
  manager: EntityManager,
  publisherId: string,
  agent: string,
  now: Date,
): Promise<void> {
  await manager.query(
    `update proxy_free_calls set calls = calls - 1 where publisher_id = $1 and agent = $2 and day = $3 and calls > 0`,
    [publisherId, agent, now.toISOString().slice(0, 10)],
  );
}

/** Days before yesterday: the sweep deletes them. */
export async function dropOldFreeCalls(manager: EntityManager, now: Date): Promise<void> {
  await manager.query(`delete from proxy_free_calls where day < $1`, [
    new Date(now.getTime() - 86_400_000).toISOString().slice(0, 10),
  ]);
}
