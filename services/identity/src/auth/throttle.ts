import { rateLimited } from '@seren/service-kit';
import type { Identity } from '../platform/app.js';
import { sha256 } from '../platform/crypto.js';

/**
 * Login backoff per (address, client IP): the first FREE_FAILURES consecutive failures cost
 * nothing; each further one locks that pair for 15 s, doubling up to 5 minutes. A success resets it.
 *
 * Why per (address, IP) and capped: a lock on the address alone would let anyone lock its owner out
 * for as long as they keep failing; this one stops one source from guessing while the owner, from
 * another address, logs in as usual. Guessing spread over many IPs is bounded by the gateway's
 * per-account login counter instead. Unknown addresses are throttled alike, so a lock tells nothing
 * about whether an account exists.
 */
export const FREE_FAILURES = 5;
const FIRST_LOCK_MS = 15_000;
const MAX_LOCK_MS = 5 * 60_000;
/** A pair not seen failing for this long starts again from zero. */
const FORGET_AFTER_MS = 24 * 3_600_000;

export const lockDurationMs = (failures: number) =>
  failures <= FREE_FAILURES ? 0 : Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** (failures - FREE_FAILURES - 1));

const keyOf = (email: string, ip: string | undefined) => [sha256(email.trim().toLowerCase()), ip ?? '-'];

/**
 * The products' documented 429 (Serelo `RATE_LIMIT_EXCEEDED`, SerenAI and GraphQL `RATE_LIMITED`,
 * with `retry_after` / `retryAfter`): no reason of its own, so each product shows its documented code.
 */
export const tooManyFailedLogins = (retryAfterSeconds: number) =>
  rateLimited(`Too many failed logins. Try again in ${retryAfterSeconds} seconds.`, {
    retryAfter: retryAfterSeconds,
  });

/** Refuses (429 RATE_LIMITED) while the pair is locked; checked before the password. */
export async function checkLoginLock(identity: Identity, email: string, ip: string | undefined) {
  const rows: { locked_until: Date | null }[] = await identity.dataSource.query(
    `select locked_until from login_failures where email_hash = $1 and ip = $2`,
    keyOf(email, ip),
  );
  const lockedUntil = rows[0]?.locked_until;
  const now = identity.now().getTime();
  if (lockedUntil && lockedUntil.getTime() > now)
    throw tooManyFailedLogins(Math.ceil((lockedUntil.getTime() - now) / 1000));
}

/** Counts a failure and locks the pair once past FREE_FAILURES. */
export async function recordLoginFailure(identity: Identity, email: string, ip: string | undefined) {
  const now = identity.now();
  const rows: { failures: number }[] = await identity.dataSource.query(
    `insert into login_failures as f (email_hash, ip, failures, last_failed_at)
     values ($1, $2, 1, $3)
     on conflict (email_hash, ip) do update
       set failures = case when f.last_failed_at < $4 then 1 else f.failures + 1 end, last_failed_at = $3
     returning failures`,
    [...keyOf(email, ip), now, new Date(now.getTime() - FORGET_AFTER_MS)],
  );
  if (Math.random() < 0.01)
    void identity.dataSource
      .query(`delete from login_failures where last_failed_at < $1`, [
        new Date(now.getTime() - FORGET_AFTER_MS),
      ])
      .catch((error: unknown) => identity.logger.warn({ err: error }, 'could not prune login failures'));
  const lockMs = lockDurationMs(rows[0]?.failures ?? 1);
  if (lockMs > 0)
    await identity.dataSource.query(
      `update login_failures set locked_until = $3 where email_hash = $1 and ip = $2`,
      [...keyOf(email, ip), new Date(now.getTime() + lockMs)],
    );
}

export async function clearLoginFailures(identity: Identity, email: string, ip: string | undefined) {
  await identity.dataSource.query(
    `delete from login_failures where email_hash = $1 and ip = $2`,
    keyOf(email, ip),
  );
}
