import { randomUUID } from 'node:crypto';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import { startTestIdentity, type TestIdentity } from '../test/harness';
import { SIGNING_ALGORITHM, SigningKeys } from './signing-keys';

const SECRET = 'development-only-signing-key-secret-change-me';
const options = { rotationMs: 30 * 24 * 3600_000, graceMs: 30 * 24 * 3600_000, encryptionSecret: SECRET };

describe('signing keys at rest', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity({ embedded: true });
  });
  afterAll(() => t?.close());

  const rowOf = async (kid: string) =>
    (
      await t.service.dataSource.query(
        `select private_jwe, private_jwk, private_jwe::text || coalesce(private_jwk::text, '') as stored
         from signing_keys where kid = $1`,
        [kid],
      )
    )[0] as { private_jwe: string | null; private_jwk: unknown; stored: string };

  it('stores a new private key only as a JWE, and signs with it after a reload', async () => {
    const key = await new SigningKeys(t.service.dataSource, options).rotate();
    const row = await rowOf(key.kid);
    expect(row.private_jwk).toBeNull();
    const [header, ...rest] = row.private_jwe!.split('.');
    expect(rest).toHaveLength(4);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({
      alg: 'dir',
      enc: 'A256GCM',
      kid: key.kid,
    });
    expect(row.stored).not.toContain('"d"');

    const reloaded = (await new SigningKeys(t.service.dataSource, options).find(key.kid))!;
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: SIGNING_ALGORITHM })
      .sign(reloaded.privateKey);
    await expect(jwtVerify(jwt, key.publicKey)).resolves.toBeDefined();
  });

  it('encrypts a key written in plaintext before encryption existed, the first time it is loaded', async () => {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
    const kid = randomUUID();
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALGORITHM };
    // a retired key (the current one is newer) whose tokens are still alive
    await t.service.dataSource.query(
      `insert into signing_keys (kid, algorithm, public_jwk, private_jwk, created_at)
       values ($1, $2, $3, $4, now() - interval '1 day')`,
      [kid, SIGNING_ALGORITHM, { ...(await exportJWK(publicKey)), kid, alg: SIGNING_ALGORITHM }, privateJwk],
    );
    const loaded = await new SigningKeys(t.service.dataSource, options).find(kid);
    expect(loaded).toBeDefined();
    const row = await rowOf(kid);
    expect(row.private_jwk).toBeNull();
    expect(row.stored).not.toContain(privateJwk.d!);
    expect((await new SigningKeys(t.service.dataSource, options).find(kid))?.kid).toBe(kid);
  });

  it('cannot read the keys with another secret', async () => {
    const key = await new SigningKeys(t.service.dataSource, options).rotate();
    const other = new SigningKeys(t.service.dataSource, {
      ...options,
      encryptionSecret: 'another-secret-that-is-long-enough-0123456789',
    });
    await expect(other.find(key.kid)).rejects.toThrow();
  });
});
