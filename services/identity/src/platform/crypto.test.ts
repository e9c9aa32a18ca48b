import {
  apiKeyPrefixOf,
  digestsEqual,
  hashPassword,
  newApiKey,
  newRecoveryCode,
  normalizeRecoveryCode,
  sha256,
  verifyPassword,
} from './crypto';

describe('secrets', () => {
  it('hashes passwords with argon2id', async () => {
    const hash = await hashPassword('Correct-Horse-9');
    expect(hash).toMatch(/^\$argon2id\$/);
    expect(await verifyPassword(hash, 'Correct-Horse-9')).toBe(true);
    expect(await verifyPassword(hash, 'correct-horse-9')).toBe(false);
    expect(await verifyPassword('not a hash', 'x')).toBe(false);
  });

  it('API keys have a visible prefix and a secret stored as its hash', () => {
    const { key, prefix, hash } = newApiKey();
    expect(key.startsWith(`${prefix}_`)).toBe(true);
    expect(apiKeyPrefixOf(key)).toBe(prefix);
    expect(hash).toBe(sha256(key));
    expect(hash).not.toContain(key.slice(17));
    expect(apiKeyPrefixOf('seren_short')).toBeUndefined();
    expect(apiKeyPrefixOf(`${key}x`)).toBeUndefined();
  });

  it('compares digests in constant time and refuses mismatched lengths', () => {
    expect(digestsEqual(sha256('a'), sha256('a'))).toBe(true);
    expect(digestsEqual(sha256('a'), sha256('b'))).toBe(false);
    expect(digestsEqual(sha256('a'), 'abcd')).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });

  it('recovery codes: 24 characters, dashes and spaces allowed, case-insensitive', () => {
    const code = newRecoveryCode();
    expect(code).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
    const canonical = normalizeRecoveryCode(code)!;
    expect(canonical).toHaveLength(24);
    expect(normalizeRecoveryCode(code.toLowerCase())).toBe(canonical);
    expect(normalizeRecoveryCode(` ${canonical.match(/.{6}/g)!.join('  ')} `)).toBe(canonical);
    expect(normalizeRecoveryCode(canonical.slice(1))).toBeUndefined();
    expect(normalizeRecoveryCode(`${canonical}!`)).toBeUndefined();
  });
});
