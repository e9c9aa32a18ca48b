import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { digestsEqual, sha256 } from '../platform/crypto.js';

// Client ids, client secrets and private integration tokens. Secrets carry 256 (client secret) or
// 122 (PIT, HighLevel's `pit-<uuid>` shape) random bits, so a SHA-256 is enough to store them (as
// API keys, see ../platform/crypto.ts); they are compared by hash with timingSafeEqual.

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** HighLevel's client id shape: `<24 hex>-<8 lowercase alnum>`. */
export function newClientId(): string {
  const tail = Array.from({ length: 8 }, () => LOWER_ALNUM[randomInt(LOWER_ALNUM.length)]).join('');
  return `${randomBytes(12).toString('hex')}-${tail}`;
}

/** A client secret: 32 random bytes, base64url (43 characters). */
export const newClientSecret = () => randomBytes(32).toString('base64url');

/** A private integration token, HighLevel's shape: `pit-<uuid>`. */
export const newPitToken = () => `pit-${randomUUID()}`;

export const isPitShaped = (token: string) =>
  /^pit-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(token);

/**
 * Whether `secret` matches one of the stored hashes (each compared in constant time; all are
 * compared, so the time says nothing about which one matched).
 */
export function matchesAny(secret: string, hashes: string[]): boolean {
  const presented = sha256(secret);
  let matched = false;
  for (const hash of hashes) matched = digestsEqual(presented, hash) || matched;
  return matched;
}

/** The ids of the secrets of `owner` (an app or a PIT) still working at `now`, with their hashes. */
export async function liveSecretHashes(
  manager: EntityManager,
  table: 'marketplace_app_secrets' | 'private_integration_token_secrets',
  ownerColumn: 'app_id' | 'pit_id',
  kind: 'app_secret' | 'pit',
  ownerId: string,
  now: Date,
): Promise<{ secretId: string; hash: string }[]> {
  const rows: { secret_id: string; hash: string }[] = await manager.query(
    `select s.secret_id, c.hash from ${table} s join credentials c on c.kind = $1 and c.id = s.secret_id
     where s.${ownerColumn} = $2 and (s.expires_at is null or s.expires_at > $3)`,
    [kind, ownerId, now],
  );
  return rows.map((r) => ({ secretId: r.secret_id, hash: r.hash }));
}
