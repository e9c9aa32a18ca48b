import { hkdfSync, randomUUID } from 'node:crypto';
import {
  CompactEncrypt,
  compactDecrypt,
  exportJWK,
  generateKeyPair,
  importJWK,
  type CryptoKey,
  type JWK,
} from 'jose';
import type { DataSource } from 'typeorm';

export const SIGNING_ALGORITHM = 'ES256';

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  /** the private JWK as a compact JWE (dir, A256GCM) */
  private_jwe: string | null;
  /** plaintext, only on rows written before keys were encrypted; encrypted and cleared on load */
  private_jwk: JWK | null;
  created_at: Date;
  retired_at: Date | null;
}

export interface SigningKeyOptions {
  /** a new key once the newest is this old */
  rotationMs: number;
  /** how long a retired key must stay valid: the longest token lifetime */
  graceMs: number;
  /** the secret the private keys are encrypted with at rest (SIGNING_KEY_ENCRYPTION_SECRET) */
  encryptionSecret: string;
  /** how often other instances' rotations are picked up */
  reloadMs?: number;
}

/**
 * Private keys at rest: a compact JWE (`dir`, A256GCM) under a 256-bit key derived from the secret
 * with HKDF. The `kid` is bound as the JWE's `kid` header and checked on decryption, so an
 * encrypted key cannot be moved to another row.
 */
class KeyVault {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new Uint8Array(hkdfSync('sha256', secret, 'seren-identity', 'signing-keys/v1', 32));
  }

  async seal(kid: string, jwk: JWK): Promise<string> {
    return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid })
      .encrypt(this.key);
  }

  async open(kid: string, jwe: string): Promise<JWK> {
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, this.key);
    if (protectedHeader.kid !== kid) throw new Error(`signing key ${kid}: sealed for another key`);
    return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
  }
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  createdAt: Date;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  /** the private JWK, for oidc-provider's keystore (src/oauth/provider.ts); never leaves the process */
  privateJwk: JWK;
}

/**
 * Identity's token signing keys (ES256), kept in its database so every instance signs and verifies
 * alike. The newest key signs; a new one is made once the newest is older than the rotation period.
 * Retired keys stay published in the JWKS (and accepted) until every token they signed has expired.
 *
 * Private keys are stored encrypted (KeyVault) with a secret from configuration, so a copy of the
 * database alone cannot mint tokens. A KMS holding that secret would be the next step.
 */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;
  private readonly vault: KeyVault;
  private readonly rotationMs: number;
  private readonly graceMs: number;
  private readonly reloadMs: number;

  constructor(
    private readonly dataSource: DataSource,
    options: SigningKeyOptions,
  ) {
    this.vault = new KeyVault(options.encryptionSecret);
    this.rotationMs = options.rotationMs;
    this.graceMs = options.graceMs;
    this.reloadMs = options.reloadMs ?? 30_000;
  }

  /** The key that signs now (rotating first when the newest is too old). */
  async current(now = new Date()): Promise<LoadedKey> {
    await this.refresh();
    const newest = this.keys[0];
    if (newest && now.getTime() - newest.createdAt.getTime() < this.rotationMs) return newest;
    return this.rotate(now);
  }

  /** Makes a new signing key at once (also what a scheduled rotation does). */
  async rotate(now = new Date()): Promise<LoadedKey> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    await this.dataSource.query(
      `insert into signing_keys (kid, algorithm, public_jwk, private_jwe, created_at) values ($1, $2, $3, $4, $5)`,
      [kid, SIGNING_ALGORITHM, publicJwk, await this.vault.seal(kid, privateJwk), now],
    );
    await this.refresh(true);
    return this.keys.find((k) => k.kid === kid)!;
  }

  /** The verification key for a `kid`, if it is still valid. */
  async find(kid: string): Promise<LoadedKey | undefined> {
    await this.refresh();
    let key = this.keys.find((k) => k.kid === kid);
    if (!key) {
      // another instance may have rotated since we loaded
      await this.refresh(true);
      key = this.keys.find((k) => k.kid === kid);
    }
    return key;
  }

  /**
   * Every live key with its private half, newest (the signing one) first: oidc-provider's keystore.
   * Rotates first when the newest is too old, like `current()`.
   */
  async privateKeys(now = new Date()): Promise<LoadedKey[]> {
    await this.current(now);
    return [...this.keys];
  }

  /** The public JWKS: every key whose tokens may still be alive. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refresh();
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.loadedAt < this.reloadMs && this.keys.length > 0) return;
    // A key retires when the next one is created; it must verify for graceMs after that.
    const rows: KeyRow[] = await this.dataSource.query(
      `select kid, public_jwk, private_jwe, private_jwk, created_at,
              lag(created_at) over (order by created_at desc) as retired_at
       from signing_keys order by created_at desc`,
    );
    const now = Date.now();
    const alive = rows.filter((r) => !r.retired_at || now - r.retired_at.getTime() < this.graceMs);
    const previous = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = await Promise.all(
      alive.map(async (r) => {
        const known = previous.get(r.kid);
        if (known) return known;
        const privateJwk = await this.privateJwkOf(r);
        return {
          kid: r.kid,
          publicJwk: r.public_jwk,
          createdAt: new Date(r.created_at),
          privateKey: (await importJWK(privateJwk, SIGNING_ALGORITHM)) as CryptoKey,
          publicKey: (await importJWK(r.public_jwk, SIGNING_ALGORITHM)) as CryptoKey,
          privateJwk: { ...privateJwk, kid: r.kid, alg: SIGNING_ALGORITHM, use: 'sig' },
        };
      }),
    );
    this.loadedAt = now;
  }

  /** Decrypts a row's private key; a row from before encryption is sealed now and its plaintext cleared. */
  private async privateJwkOf(row: KeyRow): Promise<JWK> {
    if (row.private_jwe) return this.vault.open(row.kid, row.private_jwe);
    if (!row.private_jwk) throw new Error(`signing key ${row.kid} has no private key`);
    await this.dataSource.query(
      `update signing_keys set private_jwe = $2, private_jwk = null where kid = $1 and private_jwe is null`,
      [row.kid, await this.vault.seal(row.kid, row.private_jwk)],
    );
    return row.private_jwk;
  }
}
