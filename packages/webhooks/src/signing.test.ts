import { createHmac } from 'node:crypto';
import { WebhookManager } from '@gohighlevel/api-client';
import { ed25519Signature, ed25519Signer, replayGuard, signatureHeader, verifySignature } from './signing';

// A receiver's own code, as a user would write it from the README (Stripe's recipe): split the
// header, recompute HMAC-SHA256 over `t.body`, compare, check the age.
function receiverVerifies(header: string, body: string, secret: string, nowSeconds: number): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const v1s = parts.filter(([k]) => k === 'v1').map(([, v]) => v);
  if (!t || Math.abs(nowSeconds - Number(t)) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  return v1s.includes(expected);
}

const silent = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
const sdk = () => new WebhookManager(silent as never, {} as never, {} as never, {});

describe('HMAC signature (X-Serebro-Signature)', () => {
  const body = JSON.stringify({ type: 'ContactCreate', locationId: 'loc', id: 'c1' });
  const t = 1_790_000_000;

  it('is t=<seconds>,v1=<hex> over "t.body", verified by a hand-written receiver and by verifySignature', () => {
    const header = signatureHeader(['whsec_one'], body, t);
    expect(header).toMatch(/^t=1790000000,v1=[0-9a-f]{64}$/);
    expect(receiverVerifies(header, body, 'whsec_one', t + 10)).toBe(true);
    expect(verifySignature(header, body, 'whsec_one', { now: t + 10 })).toMatchObject({
      ok: true,
      timestamp: t,
    });
  });

  it('carries one v1 per secret during a rotation, so either secret verifies', () => {
    const header = signatureHeader(['whsec_new', 'whsec_old'], body, t);
    expect(header.split(',').filter((p) => p.startsWith('v1='))).toHaveLength(2);
    expect(receiverVerifies(header, body, 'whsec_old', t)).toBe(true);
    expect(receiverVerifies(header, body, 'whsec_new', t)).toBe(true);
    expect(verifySignature(header, body, ['whsec_other', 'whsec_old'], { now: t }).ok).toBe(true);
  });

  it('rejects a changed body, another secret, a stale timestamp, a replay and a malformed header', () => {
    const header = signatureHeader(['whsec_one'], body, t);
    expect(verifySignature(header, body.replace('c1', 'c2'), 'whsec_one', { now: t })).toEqual({
      ok: false,
      reason: 'NO_MATCH',
    });
    expect(verifySignature(header, body, 'whsec_two', { now: t })).toEqual({ ok: false, reason: 'NO_MATCH' });
    expect(verifySignature(header, body, 'whsec_one', { now: t + 301 })).toEqual({
      ok: false,
      reason: 'STALE',
    });
    expect(verifySignature(header, body, 'whsec_one', { now: t + 301, toleranceSeconds: 600 }).ok).toBe(true);
    const firstSeen = replayGuard();
    const now = Math.floor(Date.now() / 1000);
    const fresh = signatureHeader(['whsec_one'], body, now);
    expect(verifySignature(fresh, body, 'whsec_one', { firstSeen }).ok).toBe(true);
    expect(verifySignature(fresh, body, 'whsec_one', { firstSeen })).toEqual({
      ok: false,
      reason: 'REPLAYED',
    });
    expect(verifySignature('v1=abc', body, 'whsec_one')).toEqual({ ok: false, reason: 'MALFORMED' });
    expect(verifySignature(undefined, body, 'whsec_one')).toEqual({ ok: false, reason: 'MALFORMED' });
  });
});

describe('Ed25519 signature (X-GHL-Signature)', () => {
  const body = JSON.stringify({ type: 'INSTALL', appId: 'app', locationId: 'loc' });

  it("verifies with HighLevel's SDK helper, unchanged, from the published PEM and from the raw base64 key", () => {
    const signer = ed25519Signer({ secret: 'a-configured-seed-of-at-least-32-characters' });
    const signature = ed25519Signature(signer, body);
    expect(sdk().verifyEd25519Signature(body, signature, signer.publicKeyPem)).toBe(true);
    expect(sdk().verifyEd25519Signature(Buffer.from(body), signature, signer.publicKeyBase64)).toBe(true);
    expect(sdk().verifyEd25519Signature(body.replace('loc', 'other'), signature, signer.publicKeyPem)).toBe(
      false,
    );
    expect(sdk().verifyEd25519Signature(body, signature, ed25519Signer().publicKeyPem)).toBe(false);
  });

  it('derives the same key pair from the same seed (every process signs alike), another from another', () => {
    const a = ed25519Signer({ secret: 'seed-number-one-0123456789abcdef' });
    const b = ed25519Signer({ secret: 'seed-number-one-0123456789abcdef' });
    const c = ed25519Signer({ secret: 'seed-number-two-0123456789abcdef' });
    expect(a.publicKeyPem).toBe(b.publicKeyPem);
    expect(a.publicKeyPem).not.toBe(c.publicKeyPem);
    const pem = a.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(ed25519Signer({ privateKeyPem: pem }).publicKeyBase64).toBe(a.publicKeyBase64);
  });
});
