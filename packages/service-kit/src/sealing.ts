import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Envelope encryption of secrets at rest (AES-256-GCM, node:crypto): identity's vault, commerce's
// publisher credentials, crm's webhook and payment secrets. Each service configures its own KEKs. Each credential has its own random
// 256-bit data key; the value is sealed with it, and the data key is wrapped with the
// key-encryption key (KEK) named by a key id. A KEK is derived (HKDF-SHA256) from a configured
// secret, so rotating means a new id and secret: values stay sealed under their data keys, only the
// data keys are re-wrapped. The additional data binds a sealed value to its credential id and a
// wrapped key to its key id and credential, so neither can be moved onto another row.

const VERSION = 'v1';

export interface KeyEncryptionKey {
  id: string;
  key: Buffer;
}

/** The KEK of an id and a secret (HKDF-SHA256; the id is part of the info, so ids never share a key). */
export function deriveKek(id: string, secret: string): KeyEncryptionKey {
  return {
    id,
    key: Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), 'seren-vault', `vault-kek:${id}`, 32)),
  };
}

/** `id:secret,id:secret` → KEKs (VAULT_PREVIOUS_KEKS). */
export function parseKeks(list: string): KeyEncryptionKey[] {
  return list
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf(':');
      if (at < 1 || at === entry.length - 1) throw new Error('VAULT_PREVIOUS_KEKS: entries are id:secret');
      return deriveKek(entry.slice(0, at), entry.slice(at + 1));
    });
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv, ciphertext, cipher.getAuthTag()]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

function decrypt(key: Buffer, sealed: string, aad: string): Buffer {
  const [version, iv, ciphertext, tag] = sealed.split('.');
  if (version !== VERSION || !iv || ciphertext === undefined || !tag)
    throw new Error('vault: unknown sealed format');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]);
}

export interface Sealed {
  keyId: string;
  wrappedKey: string;
  sealed: string;
}

/** The KEK new values are sealed under, and every KEK that can still open one (the retired ones too). */
export interface Keyring {
  readonly current: KeyEncryptionKey;
  readonly all: ReadonlyMap<string, KeyEncryptionKey>;
}

/** A keyring from the configured current KEK (`id`, `secret`) and the retired ones (`id:secret,...`). */
export function keyring(id: string, secret: string, previous = ''): Keyring {
  const current = deriveKek(id, secret);
  const all = new Map(parseKeks(previous).map((k) => [k.id, k]));
  all.set(current.id, current);
  return { current, all };
}

/** Seals a value for a credential under a fresh data key wrapped by `kek`. */
export function seal(kek: KeyEncryptionKey, credentialId: string, value: string): Sealed {
  const dataKey = randomBytes(32);
  try {
    return {
      keyId: kek.id,
      wrappedKey: encrypt(kek.key, dataKey, `${kek.id}:${credentialId}`),
      sealed: encrypt(dataKey, Buffer.from(value, 'utf8'), credentialId),
    };
  } finally {
    dataKey.fill(0);
  }
}

function unwrap(kek: KeyEncryptionKey, credentialId: string, wrappedKey: string): Buffer {
  return decrypt(kek.key, wrappedKey, `${kek.id}:${credentialId}`);
}

/** Opens a sealed value; throws when no KEK of its id is known or the data was tampered with. */
export function open(
  keks: ReadonlyMap<string, KeyEncryptionKey>,
  credentialId: string,
  sealed: Sealed,
): string {
  const kek = keks.get(sealed.keyId);
  if (!kek) throw new Error(`vault: no key-encryption key "${sealed.keyId}" configured`);
  const dataKey = unwrap(kek, credentialId, sealed.wrappedKey);
  try {
    return decrypt(dataKey, sealed.sealed, credentialId).toString('utf8');
  } finally {
    dataKey.fill(0);
  }
}

/** The data key re-wrapped under `to` (the sealed value itself is untouched). */
export function rewrap(
  keks: ReadonlyMap<string, KeyEncryptionKey>,
  to: KeyEncryptionKey,
  credentialId: string,
  sealed: Sealed,
): Sealed {
  const from = keks.get(sealed.keyId);
  if (!from) throw new Error(`vault: no key-encryption key "${sealed.keyId}" configured`);
  const dataKey = unwrap(from, credentialId, sealed.wrappedKey);
  try {
    return {
      keyId: to.id,
      wrappedKey: encrypt(to.key, dataKey, `${to.id}:${credentialId}`),
      sealed: sealed.sealed,
    };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * The masked form shown instead of a value: a short prefix kept when the value has one (`sk_`,
 * `pit-`, `xoxb-`) and the last 4 characters, e.g. `sk_…1234`; short values show less (at most
 * a quarter of the value), so a mask never gives a secret away.
 */
export function mask(value: string): string {
  const prefix = /^[A-Za-z]{1,6}[_-]/.exec(value)?.[0] ?? '';
  const tail = value.length >= 16 ? 4 : value.length >= 8 ? 2 : 0;
  return `${value.length >= 12 ? prefix : ''}…${tail ? value.slice(-tail) : ''}`;
}
