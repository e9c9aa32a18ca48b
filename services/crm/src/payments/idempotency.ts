import { createHash } from 'node:crypto';
import type { ApplicationContext } from '@seren/service-kit';
import { domainErrorsOf } from '@seren/service-kit/errors';

// Stripe's Idempotency-Key semantics for the payment writes (the approach of commerce's
// ledger/idempotency.ts, reshaped for work that calls a provider between its appends):
// - the same key with the same body answers the first response again, without running;
// - the same key with another body is 400 `IDEMPOTENCY_ERROR` (Stripe's idempotency_error);
// - while a request with the key runs, another with it is 409 `IDEMPOTENCY_KEY_IN_USE`;
// - keys answer for 24 hours, as Stripe's.
// Unlike commerce's, the claim is committed before the work (a row with a lease), because the work
// is several transactions around a provider call: an intent's events are appended after Stripe
// answered. A holder that crashed leaves its lease to expire (LEASE_SECONDS), then the key can be
// retried; a request whose work fails stores nothing, so its key can be retried at once (commerce
// does the same). Ids the work makes are derived from the key (`idOfKey`), so a retry after a crash
// names the same intent or refund, and the provider's own idempotency key with it.
//
// Candidate for packages/service-kit once commerce's (single-transaction) variant and this one
// share a shape: both hash the request the same way.

export const IDEMPOTENCY_RETENTION_HOURS = 24;
const LEASE_SECONDS = 120;

type IdempotencyReason = 'IDEMPOTENCY_ERROR' | 'IDEMPOTENCY_KEY_IN_USE';
const errors = domainErrorsOf<IdempotencyReason>();

export interface IdempotencyRequest {
  /** what the key is unique within: the operation and its location, e.g. `POST /payments/intents:<location>` */
  scope: string;
  /** the client's key; undefined or empty runs the work without idempotency */
  key: string | null | undefined;
  /** the request's parameters: the same key with other parameters is refused */
  parameters: unknown;
}

export const MAX_KEY_LENGTH = 255;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  return JSON.stringify(value ?? null);
}

/** A stable hash of a request's parameters (object keys in any order hash alike). */
export const requestHashOf = (parameters: unknown) =>
  createHash('sha256').update(canonical(parameters)).digest('hex');

/** An id derived from the scope and key: the same retried request names the same record. */
export function idOfKey(scope: string, key: string): string {
  const hex = createHash('sha256').update(`${scope}\u0000${key}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function withIdempotency<T>(
  app: Pick<ApplicationContext, 'dataSource'>,
  request: IdempotencyRequest,
  run: () => Promise<T>,
): Promise<T> {
  const { scope, key } = request;
  if (!key) return run();
  if (key.length > MAX_KEY_LENGTH)
    throw errors.validationError(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters`, {
      reason: 'IDEMPOTENCY_ERROR',
    });
  const hash = requestHashOf(request.parameters);
  const claimed: unknown[] = await app.dataSource.query(
    `insert into payment_idempotency_keys (scope, key, request_hash, locked_until)
     values ($1, $2, $3, now() + make_interval(secs => $4))
     on conflict (scope, key) do update
       set request_hash = excluded.request_hash, result = null, locked_until = excluded.locked_until, created_at = now()
       where payment_idempotency_keys.created_at <= now() - make_interval(hours => $5)
     returning 1`,
    [scope, key, hash, LEASE_SECONDS, IDEMPOTENCY_RETENTION_HOURS],
  );
  if (claimed.length === 0) {
    const [row]: { request_hash: string; result: { value: T } | null; expired: boolean }[] =
      await app.dataSource.query(
        `select request_hash, result, locked_until < now() as expired from payment_idempotency_keys
        where scope = $1 and key = $2`,
        [scope, key],
      );
    if (row && row.request_hash !== hash)
      throw errors.validationError(
        'Keys for idempotent requests can only be used with the same parameters they were first used with',
        { reason: 'IDEMPOTENCY_ERROR' },
      );
    if (row?.result) return row.result.value;
    // a holder that crashed: its lease ran out, this request takes the key over
    const taken: unknown[] = row?.expired
      ? await app.dataSource.query(
          `update payment_idempotency_keys set locked_until = now() + make_interval(secs => $3)
            where scope = $1 and key = $2 and result is null and locked_until < now() returning 1`,
          [scope, key, LEASE_SECONDS],
        )
      : [];
    if (taken.length === 0)
      throw errors.conflict('A request with this idempotency key is in progress; retry later', {
        reason: 'IDEMPOTENCY_KEY_IN_USE',
      });
  }
  let result: T;
  try {
    result = await run();
  } catch (error) {
    await app.dataSource.query(
      `delete from payment_idempotency_keys where scope = $1 and key = $2 and result is null`,
      [scope, key],
    );
    throw error;
  }
  await app.dataSource.query(
    `update payment_idempotency_keys set result = $3, locked_until = null where scope = $1 and key = $2`,
    [scope, key, JSON.stringify({ value: result })],
  );
  return result;
}
