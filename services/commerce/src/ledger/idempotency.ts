import { createHash } from 'node:crypto';
import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { ledgerErrors } from './errors.js';
import { preparedQuery } from './prepared.js';

/** How long a key answers with its first result (Stripe keeps keys 24 hours; so do we, at least). */
export const IDEMPOTENCY_RETENTION_HOURS = 24;

export interface IdempotencyRequest {
  /** what the key is unique within: the operation and its caller, e.g. `POST /wallet/deposit:<org>` */
  scope: string;
  /** the client's key; undefined or empty runs the work without idempotency */
  key: string | undefined | null;
  /** the request's parameters, hashed (`requestHashOf`): the same key with other parameters is refused */
  requestHash: string;
}

/** A stable hash of a request's parameters (object keys in any order hash alike; bigints allowed). */
export function requestHashOf(parameters: unknown): string {
  return createHash('sha256').update(canonical(parameters)).digest('hex');
}

function canonical(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

// Results are stored as JSON; bigints (every amount) and Dates survive the round trip.
const encode = (value: unknown) =>
  JSON.stringify(value, function (this: Record<string, unknown>, key, v: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.toISOString() };
    return v;
  });
const decode = <T>(text: string): T =>
  JSON.parse(text, (_key, v: unknown) => {
    if (v && typeof v === 'object' && '$bigint' in v) return BigInt((v as { $bigint: string }).$bigint);
    if (v && typeof v === 'object' && '$date' in v) return new Date((v as { $date: string }).$date);
    return v;
  }) as T;
/** A result stored as withIdempotency stores it (by a statement of the caller's), revived as it answers it. */
export const decodeStoredResult = decode;

/**
 * Runs `run` in one transaction at most once per (scope, key), with Stripe's semantics:
 * - the same key with the same parameters answers the first result again, without running;
 * - the same key with other parameters is 400 (`IDEMPOTENCY_ERROR`);
 * - while a request with the key is in flight, another with it is 409 (`IDEMPOTENCY_KEY_IN_USE`);
 * - keys answer for IDEMPOTENCY_RETENTION_HOURS (then `purgeIdempotencyKeys` removes them).
 *
 * The key is claimed by a transaction-scoped advisory lock and its result stored in the same
 * transaction as the work's effects, so a crash at any point leaves either both or neither: a key is
 * never stuck "in progress" and a retry after a crash runs the work once. A request whose work fails
 * (a domain error such as 402, or a crash) stores nothing, so the key can be retried: unlike Stripe,
 * which also replays its 4xx answers; ours had no effect to protect, and a retry after a top-up
 * should succeed.
 */
export async function withIdempotency<T>(
  app: Pick<ApplicationContext, 'dataSource'>,
  request: IdempotencyRequest,
  run: (tx: EntityManager, key?: ClaimedKey) => Promise<T>,
): Promise<T> {
  if (!request.key) return app.dataSource.transaction(run);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await app.dataSource.transaction((tx) =>
        once(tx, request as IdempotencyRequest & { key: string }, run),
      );
    } catch (error) {
      // a result committed between this attempt's read and its lock: the next attempt replays it
      if (error instanceof KeyTakenMeanwhile && attempt < 3) continue;
      throw error;
    }
  }
}

class KeyTakenMeanwhile extends Error {}

/** 409: a request with the key is in flight. */
export const idempotencyKeyInUse = () =>
  ledgerErrors.conflict('A request with this idempotency key is in progress; retry later', {
    reason: 'IDEMPOTENCY_KEY_IN_USE',
  });

/** 400 `IDEMPOTENCY_ERROR`: the key was first used with other parameters. */
export const idempotencyKeyMismatch = () =>
  ledgerErrors.validationError(
    'Keys for idempotent requests can only be used with the same parameters they were first used with',
    { reason: 'IDEMPOTENCY_ERROR' },
  );

/**
 * The key `run` holds (given only when the request has one). Work that knows its result before its
 * last statement may store it with that statement (`postEntry(tx, entry, { remember })`), saving the
 * round trip of storing it after `run` returns; it must then return that very result.
 */
export class ClaimedKey {
  /** the encoded result stored with a posting, and whether the key was free to take it */
  stored: { encoded: string; taken: boolean } | undefined;
  constructor(readonly request: IdempotencyRequest & { key: string }) {}

  /** STORE's parameters for `result` */
  storeParameters(result: unknown): unknown[] {
    const { scope, key, requestHash } = this.request;
    return [scope, key, requestHash, encode(result) ?? 'null', IDEMPOTENCY_RETENTION_HOURS];
  }
}

// The claim and the read are one statement: the read may run on a snapshot taken just before the
// lock was granted, and so miss a result its last holder committed in between. Then the work runs a
// second time, but in vain: the result's insert finds the live key, and the whole transaction rolls
// back (KeyTakenMeanwhile) to be tried again, which replays the stored result.
/** The claim with its read; `scope`, `key` and `hours` are its parameters ($n, or names inside a function). */
export const claimSql = (scope: string, key: string, hours: string) => `
  select pg_try_advisory_xact_lock(hashtextextended(${scope} || chr(10) || ${key}, 7)) as claimed,
         k.request_hash, k.result
  from (select 1) one
  left join idempotency_keys k
    on k.scope = ${scope} and k.key = ${key} and k.created_at > now() - make_interval(hours => ${hours})`;
const CLAIM = claimSql('$1', '$2', '$3');

/** Stores a key's result; its parameters start at $`first` (scope, key, hash, result, retention hours). */
export const storeSql = (first: number) => {
  const [scope, key, hash, result, hours] = [0, 1, 2, 3, 4].map((i) => `$${first + i}`);
  return `
  insert into idempotency_keys (scope, key, request_hash, result, created_at) values (${scope}, ${key}, ${hash}, ${result}, now())
  on conflict (scope, key) do update set request_hash = excluded.request_hash, result = excluded.result,
    created_at = excluded.created_at
  where idempotency_keys.created_at <= now() - make_interval(hours => ${hours}::int)
  returning 1`;
};
const STORE = storeSql(1);

async function once<T>(
  tx: EntityManager,
  { scope, key, requestHash }: IdempotencyRequest & { key: string },
  run: (tx: EntityManager, key?: ClaimedKey) => Promise<T>,
): Promise<T> {
  const [claim] = await preparedQuery<{
    claimed: boolean;
    request_hash: string | null;
    result: string | null;
  }>(tx, 'seren_idempotency_claim', CLAIM, [scope, key, IDEMPOTENCY_RETENTION_HOURS]);
  if (!claim?.claimed) throw idempotencyKeyInUse();
  if (claim.request_hash !== null) {
    if (claim.request_hash !== requestHash) throw idempotencyKeyMismatch();
    return decode<T>(claim.result!);
  }
  const claimed = new ClaimedKey({ scope, key, requestHash });
  const result = await run(tx, claimed);
  if (claimed.stored) {
    if ((encode(result) ?? 'null') !== claimed.stored.encoded)
      throw new Error(`idempotency key ${scope}/${key}: the result stored differs from the one returned`);
    if (!claimed.stored.taken) throw new KeyTakenMeanwhile();
    return result;
  }
  const stored = await preparedQuery(tx, 'seren_idempotency_store', STORE, claimed.storeParameters(result));
  if (stored.length === 0) throw new KeyTakenMeanwhile();
  return result;
}

/** Removes keys past their retention; returns how many. The commerce service runs it hourly (service.ts). */
export async function purgeIdempotencyKeys(app: Pick<ApplicationContext, 'dataSource'>): Promise<number> {
  const rows: unknown[] = await app.dataSource.query(
    `delete from idempotency_keys where created_at <= now() - make_interval(hours => $1) returning 1`,
    [IDEMPOTENCY_RETENTION_HOURS],
  );
  return rows.length;
}
