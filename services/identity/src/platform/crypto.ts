import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Algorithm, hash, verify } from '@node-rs/argon2';

// Secrets identity hands out and how it keeps them. Passwords: argon2id (slow on purpose). API
// keys, one-time tokens and recovery codes carry 120+ bits of randomness, so a plain SHA-256 is
// enough to store them: nobody can brute-force the preimage of a random 256-bit secret.

const ARGON2 = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON2);

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// Verified against when the account does not exist, so a login for an unknown email costs the same
// argon2 time as one with a wrong password (no user enumeration by timing).
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
  await verifyPassword(await dummyHash, password);
}

export const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

/** Compares two hex digests in constant time (lengths are public: both are SHA-256). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** A random URL-safe token (one-time links): 32 bytes. */
export const randomToken = () => randomBytes(32).toString('base64url');

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const randomString = (alphabet: string, length: number) =>
  Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');

// ---- API keys --------------------------------------------------------------------------------
// `seren_<10 lowercase alnum>_<43 base64url>`: the first 16 characters are the visible prefix,
// unique, used to find the key; the rest is the secret, compared by hash in constant time.

export const API_KEY_PREFIX_LENGTH = 16;

export function newApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = `seren_${randomString(LOWER_ALNUM, 10)}`;
  const key = `${prefix}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix, hash: sha256(key) };
}

/** The visible prefix of a presented key, or undefined when it cannot be one of ours. */
export function apiKeyPrefixOf(key: string): string | undefined {
  return /^seren_[a-z0-9]{10}_[A-Za-z0-9_-]{43}$/.test(key) ? key.slice(0, API_KEY_PREFIX_LENGTH) : undefined;
}

// ---- recovery codes --------------------------------------------------------------------------
// 24 characters of Crockford's base32 (120 bits), shown as six groups of four. Dashes and
// whitespace are ignored and letters are case-insensitive; I/L read as 1 and O as 0.

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function newRecoveryCode(): string {
  return randomString(CROCKFORD, 24).match(/.{4}/g)!.join('-');
}

/** The canonical form of a typed code, or undefined when it is not 24 valid characters. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const code = input
    .replace(/[\s-]+/g, '')
    .toUpperCase()
    .replace(/[IL]/g, '1')
    .replace(/O/g, '0');
  return /^[0-9A-HJKMNP-TV-Z]{24}$/.test(code) ? code : undefined;
}
