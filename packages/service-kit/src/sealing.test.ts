import { deriveKek, mask, open, parseKeks, rewrap, seal } from './sealing';

describe('vault envelope encryption', () => {
  const k1 = deriveKek('k1', 'a-secret-of-at-least-thirty-two-characters');
  const k2 = deriveKek('k2', 'another-secret-of-at-least-thirty-two-chars');

  it('round-trips, with a fresh data key and IV each time', () => {
    const a = seal(k1, 'c1', 'sk_live_abcdef1234');
    const b = seal(k1, 'c1', 'sk_live_abcdef1234');
    expect(a.keyId).toBe('k1');
    expect(a.sealed).not.toBe(b.sealed);
    expect(a.wrappedKey).not.toBe(b.wrappedKey);
    expect(a.sealed).not.toContain('abcdef');
    expect(open(new Map([['k1', k1]]), 'c1', a)).toBe('sk_live_abcdef1234');
  });

  it('refuses a sealed value moved to another credential, a tampered value, or an unknown key', () => {
    const a = seal(k1, 'c1', 'value');
    const keks = new Map([['k1', k1]]);
    expect(() => open(keks, 'c2', a)).toThrow();
    const parts = a.sealed.split('.');
    parts[2] = Buffer.from('other').toString('base64url');
    expect(() => open(keks, 'c1', { ...a, sealed: parts.join('.') })).toThrow();
    expect(() => open(new Map([['k2', k2]]), 'c1', a)).toThrow(/no key-encryption key "k1"/);
    // the same secret under another id is another key
    expect(() =>
      open(new Map([['k1', deriveKek('k1', 'another-secret-of-at-least-thirty-two-chars')]]), 'c1', a),
    ).toThrow();
  });

  it('re-wraps the data key under a new KEK without touching the sealed value', () => {
    const a = seal(k1, 'c1', 'token-123');
    const moved = rewrap(new Map([['k1', k1]]), k2, 'c1', a);
    expect(moved).toMatchObject({ keyId: 'k2', sealed: a.sealed });
    expect(open(new Map([['k2', k2]]), 'c1', moved)).toBe('token-123');
    expect(() => open(new Map([['k1', k1]]), 'c1', moved)).toThrow();
  });

  it('parses retired keys', () => {
    const keks = parseKeks(' k0:old-secret-of-at-least-thirty-two-characters , ');
    expect(keks.map((k) => k.id)).toEqual(['k0']);
    expect(() => parseKeks('nocolon')).toThrow();
  });

  it.each([
    ['sk_live_abcdef1234', 'sk_…1234'],
    ['pit-0f8e2a44-5b8e-4c1e-9d6a-1a2b3c4d9876', 'pit-…9876'],
    ['plainsecretvalue99', '…ue99'],
    ['short_pw1', '…w1'],
    ['abc', '…'],
  ])('masks %s as %s', (value, masked) => expect(mask(value)).toBe(masked));
});
