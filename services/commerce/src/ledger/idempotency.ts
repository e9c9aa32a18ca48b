import { createHash } from 'node:crypto';
import type { ApplicationContext } from '@seren/service-kit';
import type { EntityManager } from 'typeorm';
import { ledgerErrors } from './errors.js';

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
  run: (tx: EntityManager) => Promise<T>,
): Promise<T> {
  const { scope, key, requestHash } = request;
  if (!key) return app.dataSource.transaction(run);
  return app.dataSource.transaction(async (tx) => {
    const [claim]: { claimed: boolean }[] = await tx.query(
      `select pg_try_advisory_xact_lock(hashtextextended($1, 7)) as claimed`,
      [`${scope}\n${key}`],
    );
    if (!claim?.claimed)
      throw ledgerErrors.conflict('A request with this idempotency key is in progress; retry later', {
        reason: 'IDEMPOTENCY_KEY_IN_USE',
      });
    // a statement of its own, after the lock: it sees a result committed by the lock's last holder
    const stored: { request_hash: string; result: string }[] = await tx.query(
      `select request_hash, result from idempotency_keys
       where scope = $1 and key = $2 and created_at > now() - make_interval(hours => $3)`,
      [scope, key, IDEMPOTENCY_RETENTION_HOURS],
    );
    if (stored[0]) {
      if (stored[0].request_hash !== requestHash)
        throw ledgerErrors.validationError(
          'Keys for idempotent requests can only be used with the same parameters they were first used with',
          { reason: 'IDEMPOTENCY_ERROR' },
        );
      return decode<T>(stored[0].result);
    }
    const result = await run(tx);
    await tx.query(
      `insert into idempotency_keys (scope, key, request_hash, result, created_at) values ($1, $2, $3, $4, now())
       on conflict (scope, key) do update set request_hash = excluded.request_hash, result = excluded.result,
         created_at = excluded.created_at`,
      [scope, key, requestHash, encode(result) ?? 'null'],
    );
    return result;
  });
}

/** Removes keys past their retention; returns how many. Commerce runs it hourly. */
export async function purgeIdempotencyKeys(app: Pick<ApplicationContext, 'dataSource'>): Promise<number> {
  const rows: unknown[] = await app.dataSource.query(
    `delete from idempotency_keys where created_at <= now() - make_interval(hours => $1) returning 1`,
    [IDEMPOTENCY_RETENTION_HOURS],
  );
  return rows.length;
}
