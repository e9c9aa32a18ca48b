import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  PublisherCreated,
  PublisherDeleted,
  PublisherPricingUpdated,
  PublisherRegistered,
  PublisherUpdated,
  topicFor,
} from '@seren/contracts';
import type { ConsumerDefinition } from '@seren/service-kit';

// What the proxy keeps of a publisher between calls, and how a change of it reaches every instance:
// the instance that writes the change drops its entries when the write commits (publishers/service.ts,
// charges' registerPublisher), and every instance drops them when its consumer of the publisher's
// events sees the change (one relay hop, well under a second). PROXY_PUBLISHER_CACHE_MS (30 s) is
// only the backstop for a consumer that lags or is down.

interface Cached {
  value: unknown;
  until: number;
  /** the publisher the entry is of; undefined for a slug that named no publisher */
  publisherId: string | undefined;
}

/**
 * The publisher an entry is of, by the keys the proxy uses (proxy/call.ts): `publisher:<slug>` holds
 * the publisher the slug names (its `id`), or undefined when none does; `secrets:<publisher id>:<slug>`
 * its opened secrets.
 */
function publisherOfEntry(key: string, value: unknown): string | undefined {
  if (key.startsWith('secrets:')) return key.split(':')[1];
  const id = (value as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The publishers (and their opened secrets) of recent calls, kept `ttlMs` in this process unless
 * `forget` drops them first. A read that began before a `forget` is answered but not kept, so a
 * publisher read just before its change committed cannot stay cached after it. Per process: each
 * instance keeps, and forgets, its own.
 */
export class PublisherCache {
  private readonly entries = new Map<string, Cached>();
  /** moves on every forget: a read that saw another number began before it */
  private generation = 0;
  constructor(readonly ttlMs: number) {}

  async get<T>(key: string, load: () => Promise<T>, now = Date.now()): Promise<T> {
    if (this.ttlMs === 0) return load();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value as T;
    const generation = this.generation;
    const value = await load();
    if (generation !== this.generation) return value;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs, publisherId: publisherOfEntry(key, value) });
    return value;
  }

  /**
   * Drops what is kept of the publisher: its entries, and with `slug` (a publisher just made) the
   * answer that the slug named none. Cheap enough per change: publishers change rarely, and the
   * cache holds at most 10,000 entries.
   */
  forget(publisherId: string, slug?: string): void {
    this.generation += 1;
    const missKey = slug === undefined ? undefined : `publisher:${slug.toLowerCase()}`;
    for (const [key, entry] of this.entries)
      if (entry.publisherId === publisherId || (missKey !== undefined && key.toLowerCase() === missKey))
        this.entries.delete(key);
  }
}

/**
 * The consumer group of this instance's cache consumer: PUBLISHER_CACHE_GROUP, else one of its own
 * (`commerce.publisher-cache.<host>.<random>`). Every instance must read every change, so instances
 * never share it (sharing one, each would see only its share of the partitions). A new group reads
 * the publisher topic from its start once: lifecycle events only (calls are on another topic), each a
 * map lookup.
 */
export const publisherCacheGroup = (env: Record<string, string | undefined>) =>
  env.PUBLISHER_CACHE_GROUP || `commerce.publisher-cache.${hostname()}.${randomBytes(4).toString('hex')}`;

/** Drops a publisher from this instance's cache when any instance changed it (registered, created, updated, priced, deleted). */
export const publisherCacheConsumer = (cache: PublisherCache, groupId: string): ConsumerDefinition => ({
  groupId,
  topics: [topicFor(PublisherCreated)],
  events: [
    PublisherRegistered,
    PublisherCreated,
    PublisherUpdated,
    PublisherPricingUpdated,
    PublisherDeleted,
  ],
  pollIntervalMs: 100,
  handler: async (event) => {
    const data = event.data as { publisherId: string; slug?: string };
    cache.forget(data.publisherId, data.slug);
  },
});
