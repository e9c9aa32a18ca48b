import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { anonymous, createLogger } from '@seren/service-kit';
import { Authenticator } from './authenticate';
import { hitsFor } from './limits';

// The refresh limit counts per user only once the token's signature verifies against identity's
// JWKS (issue 9: ten forged tokens naming a victim made the victim's real refresh 429).
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
function jwt(key: KeyObject, kid: string, claims: Record<string, unknown>) {
  const head = `${b64({ alg: 'ES256', kid, typ: 'JWT' })}.${b64(claims)}`;
  const signature = sign('sha256', Buffer.from(head), { key, dsaEncoding: 'ieee-p1363' });
  return `${head}.${signature.toString('base64url')}`;
}

describe('refresh tokens verified for the limit counters', () => {
  const identityKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const attackerKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  let identity: FastifyInstance;
  let authenticator: Authenticator;
  const dispatcher = new Agent({ connections: 2 });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const claims = { typ: 'refresh', sub: 'victim', iss: 'seren-identity', sid: 's1', jti: 'j1', exp };

  beforeAll(async () => {
    identity = Fastify();
    identity.get('/.well-known/jwks.json', async () => ({
      keys: [{ ...identityKey.publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256', use: 'sig' }],
    }));
    const url = await identity.listen({ host: '127.0.0.1', port: 0 });
    authenticator = new Authenticator({
      identityUrl: url,
      internalTokenSecret: 'a-test-secret-that-is-long-enough-0123456789',
      ttlMs: 5_000,
      maxEntries: 10,
      dispatcher,
      logger: createLogger('test', 'silent'),
      tokenIssuer: 'seren-identity',
    });
    await authenticator.fetchSigningKeys();
  });
  afterAll(async () => {
    await identity.close();
    await dispatcher.close();
  });

  const refreshKey = (token: string) =>
    hitsFor('serelo', 'refresh', {
      caller: anonymous,
      ip: '198.51.100.4',
      body: { refresh_token: token },
      tokens: authenticator,
    })[0]?.key;

  it('counts a genuine token per user', () => {
    expect(refreshKey(jwt(identityKey.privateKey, 'k1', claims))).toBe(
      'credential:refreshTokens.tokenUser:60000:user:victim',
    );
  });

  it('counts a forged, unsigned, expired or access token per IP, never against the user it names', () => {
    const perIp = 'credential:refreshTokens.tokenUser:60000:ip:198.51.100.4';
    const genuine = jwt(identityKey.privateKey, 'k1', claims);
    const [head, , signature] = genuine.split('.');
    expect(refreshKey(jwt(attackerKey.privateKey, 'k1', claims))).toBe(perIp);
    expect(refreshKey(`${head}.${b64({ ...claims, sub: 'someone-else' })}.${signature}`)).toBe(perIp);
    expect(refreshKey(`${b64({ alg: 'none' })}.${b64(claims)}.`)).toBe(perIp);
    expect(refreshKey(jwt(identityKey.privateKey, 'k1', { ...claims, exp: 1 }))).toBe(perIp);
    expect(refreshKey(jwt(identityKey.privateKey, 'k1', { ...claims, typ: 'access' }))).toBe(perIp);
    expect(refreshKey(jwt(identityKey.privateKey, 'k1', { ...claims, iss: 'elsewhere' }))).toBe(perIp);
    expect(refreshKey(jwt(identityKey.privateKey, 'unknown-kid', claims))).toBe(perIp);
    expect(refreshKey('not-a-token')).toBe(perIp);
  });
});
