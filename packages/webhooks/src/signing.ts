import {
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hkdfSync,
  sign as cryptoSign,
  timingSafeEqual,
  type KeyObject,
} from 'node:crypto';

// Two signatures travel with every delivery:
// - `X-Serebro-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` with the
//   receiver's own signing secret (Stripe's scheme): the timestamp is signed too, so a receiver
//   rejects stale deliveries (tolerance) and replays (it remembers what it saw within the tolerance).
//   While a secret is being rotated, one `v1=` per live secret is sent, newest first, so a receiver
//   holding either verifies.
// - `X-GHL-Signature: <base64 Ed25519 signature of the body>` with the service's key pair, whose
//   public key is published: HighLevel's SDK (`WebhookManager.verifyEd25519Signature`) checks it
//   unchanged. The key pair is the same for every receiver; it proves the sender, not the receiver.

/** The HMAC header's default name (a service may name its own, e.g. commerce's organization webhooks). */
export const SIGNATURE_HEADER = 'X-Serebro-Signature';
/** HighLevel's header, read by its SDK as `x-ghl-signature`. */
export const ED25519_SIGNATURE_HEADER = 'X-GHL-Signature';
/** How old a timestamp a receiver accepts by default (Stripe's default: 5 minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const hmac = (secret: string, timestamp: number, body: string) =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/**
 * The HMAC header's value for `body` at `timestamp` (unix seconds), one `v1=` per secret (newest
 * first). `secrets` must hold at least one.
 */
export function signatureHeader(secrets: readonly string[], body: string, timestamp: number): string {
  if (secrets.length === 0) throw new Error('signatureHeader: no secret');
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(secret, timestamp, body)}`)].join(',');
}

export type VerifyFailure = 'MALFORMED' | 'STALE' | 'NO_MATCH' | 'REPLAYED';
export type VerifyResult =
  { ok: true; timestamp: number; signature: string } | { ok: false; reason: VerifyFailure };

export interface VerifyOptions {
  /** seconds a timestamp may differ from now (either way); 300 by default */
  toleranceSeconds?: number;
  /** now, unix seconds (tests) */
  now?: number;
  /**
   * Replay protection: called with the verified signature; answers false when it was seen before
   * (within the tolerance window). `replayGuard()` gives an in-memory one.
   */
  firstSeen?: (signature: string, timestamp: number) => boolean;
}

/**
 * What a receiver runs on each request: parses `t=…,v1=…`, rejects a timestamp outside the
 * tolerance, and accepts when any `v1` matches the HMAC of `t.body` under any of its secrets
 * (constant-time compare). `body` must be the raw request body, byte for byte.
 */
export function verifySignature(
  header: string | undefined,
  body: string,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): VerifyResult {
  if (!header) return { ok: false, reason: 'MALFORMED' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) return { ok: false, reason: 'MALFORMED' };
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS))
    return { ok: false, reason: 'STALE' };
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = Buffer.from(hmac(secret, timestamp, body), 'hex');
    const match = signatures.find((s) => timingSafeEqual(Buffer.from(s, 'hex'), expected));
    if (match) {
      if (options.firstSeen && !options.firstSeen(match, timestamp)) return { ok: false, reason: 'REPLAYED' };
      return { ok: true, timestamp, signature: match };
    }
  }
  return { ok: false, reason: 'NO_MATCH' };
}

/** An in-memory replay guard for `verifySignature` (one process; forgets what is older than the tolerance). */
export function replayGuard(
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
): (signature: string, timestamp: number) => boolean {
  const seen = new Map<string, number>();
  return (signature, timestamp) => {
    const horizon = Math.floor(Date.now() / 1000) - 2 * toleranceSeconds;
    for (const [key, at] of seen) if (at < horizon) seen.delete(key);
    if (seen.has(signature)) return false;
    seen.set(signature, timestamp);
    return true;
  };
}

/** The service's Ed25519 key pair: the private key signs, the public key is published. */
export interface Ed25519Signer {
  privateKey: KeyObject;
  /** PEM (SubjectPublicKeyInfo), as HighLevel publishes its key and its SDK reads it */
  publicKeyPem: string;
  /** the raw 32-byte public key, base64 (also accepted by the SDK) */
  publicKeyBase64: string;
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function signerOf(privateKey: KeyObject): Ed25519Signer {
  const publicKey = createPublicKey(privateKey);
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    privateKey,
    publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
    publicKeyBase64: spki.subarray(spki.length - 32).toString('base64'),
  };
}

/**
 * The Ed25519 key pair from configuration: a PEM private key (PKCS#8) when given, else one derived
 * (HKDF-SHA256) from a secret, so every process of a service signs with the same key without
 * storing one more secret. `ed25519Signer()` with neither makes a random pair (one process; tests).
 */
export function ed25519Signer(
  source: { privateKeyPem?: string; secret?: string; info?: string } = {},
): Ed25519Signer {
  if (source.privateKeyPem) return signerOf(createPrivateKey(source.privateKeyPem));
  if (source.secret) {
    const seed = Buffer.from(
      hkdfSync('sha256', source.secret, 'seren-webhooks', source.info ?? 'ed25519-webhook-signing', 32),
    );
    return signerOf(
      createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' }),
    );
  }
  return signerOf(generateKeyPairSync('ed25519').privateKey);
}

/** The `X-GHL-Signature` value: base64 Ed25519 signature of the body's bytes. */
export function ed25519Signature(signer: Ed25519Signer, body: string | Buffer): string {
  return cryptoSign(
    null,
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    signer.privateKey,
  ).toString('base64');
}
