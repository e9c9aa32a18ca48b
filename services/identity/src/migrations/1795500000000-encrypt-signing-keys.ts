import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Private signing keys are stored encrypted (a compact JWE, see tokens/signing-keys.ts). Keys written
 * before this migration keep their plaintext JWK until SigningKeys next loads them, encrypts them and
 * clears it; so no token in flight stops verifying.
 */
export class EncryptSigningKeys1795500000000 implements MigrationInterface {
  name = 'EncryptSigningKeys1795500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`alter table signing_keys add column private_jwe text`);
    await q.query(`alter table signing_keys alter column private_jwk drop not null`);
    await q.query(`
      alter table signing_keys add constraint signing_keys_private_key_present
        check (private_jwe is not null or private_jwk is not null)`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Going back needs the plaintext, which only the application can decrypt: refuse rather than lose keys.
    const [{ count }] = await q.query(
      `select count(*)::int as count from signing_keys where private_jwk is null`,
    );
    if (count > 0) throw new Error(`${count} signing keys are stored only encrypted; cannot go back`);
    await q.query(`alter table signing_keys drop constraint signing_keys_private_key_present`);
    await q.query(`alter table signing_keys alter column private_jwk set not null`);
    await q.query(`alter table signing_keys drop column private_jwe`);
  }
}
