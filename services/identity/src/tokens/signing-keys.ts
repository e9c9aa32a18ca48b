import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type CryptoKey } from 'jose';
import type { DataSource } from 'typeorm';

export const SIGNING_ALGORITHM = 'ES256';

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  private_jwk: JWK;
  created_at: Date;
}

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  createdAt: Date;
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/**
 * Identity's token signing keys (ES256), kept in its database so every instance signs and verifies
 * alike. The newest key signs; a new one is made once the newest is older than the rotation period.
 * Retired keys stay published in the JWKS (and accepted) until every token they signed has expired.
 *
 * Limit: private keys are stored as JWKs in the service's own database, protected like the rest of
 * it; a KMS would be the next step.
 */
export class SigningKeys {
  private keys: LoadedKey[] = [];
  private loadedAt = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly rotationMs: number,
    /** how long a retired key must stay valid: the longest token lifetime */
    private readonly graceMs: number,
    private readonly reloadMs = 30_000,
  ) {}

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
      `insert into signing_keys (kid, algorithm, public_jwk, private_jwk, created_at) values ($1, $2, $3, $4, $5)`,
      [kid, SIGNING_ALGORITHM, publicJwk, privateJwk, now],
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

  /** The public JWKS: every key whose tokens may still be alive. */
  async jwks(): Promise<{ keys: JWK[] }> {
    await this.refresh();
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  private async refresh(force = false): Promise<void> {
    if (!force && Date.now() - this.loadedAt < this.reloadMs && this.keys.length > 0) return;
    // A key retires when the next one is created; it must verify for graceMs after that.
    const rows: KeyRow[] = await this.dataSource.query(
      `select kid, public_jwk, private_jwk, created_at,
              lag(created_at) over (order by created_at desc) as retired_at
       from signing_keys order by created_at desc`,
    );
    const now = Date.now();
    const alive = rows.filter((r) => {
      const retiredAt = (r as KeyRow & { retired_at: Date | null }).retired_at;
      return !retiredAt || now - retiredAt.getTime() < this.graceMs;
    });
    const previous = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = await Promise.all(
      alive.map(async (r) => {
        const known = previous.get(r.kid);
        if (known) return known;
        return {
          kid: r.kid,
          publicJwk: r.public_jwk,
          createdAt: new Date(r.created_at),
          privateKey: (await importJWK(r.private_jwk, SIGNING_ALGORITHM)) as CryptoKey,
          publicKey: (await importJWK(r.public_jwk, SIGNING_ALGORITHM)) as CryptoKey,
        };
      }),
    );
    this.loadedAt = now;
  }
}
