import { SignJWT, UnsecuredJWT, generateKeyPair, exportJWK, createLocalJWKSet, jwtVerify } from 'jose';
import { startTestIdentity, type TestIdentity } from '../test/harness';

describe('edge authentication (/internal/authenticate) and the JWKS', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity({ embedded: true });
  });
  afterAll(() => t?.close());

  const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
  const headerOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString());

  it('answers a caller for an access token, with the session and the default organization permissions', async () => {
    const user = await t.client.user();
    const { status, body } = await t.client.authenticate(user.accessToken, 'bearer');
    expect(status).toBe(200);
    expect(body.caller).toMatchObject({
      subject: user.id,
      kind: 'user',
      organizationId: user.personalOrganizationId,
      via: 'session',
      sessionId: user.sessionId,
      scopes: [],
    });
    expect((body.caller as { permissions: string[] }).permissions).toContain('org.manage_members');
  });

  it('publishes the signing keys as a JWKS that verifies issued tokens', async () => {
    const user = await t.client.user();
    const jwks = (await (await fetch(`${t.service.url}/.well-known/jwks.json`)).json()) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.length).toBeGreaterThan(0);
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
    const { payload } = await jwtVerify(user.accessToken, createLocalJWKSet(jwks as never), {
      issuer: 'seren-identity',
    });
    expect(payload.sub).toBe(user.id);
  });

  it('refuses alg none, a foreign key, an HMAC signed with the public key, and tampering', async () => {
    const user = await t.client.user();
    const claims = payloadOf(user.accessToken);
    const kid = headerOf(user.accessToken).kid;
    const none = new UnsecuredJWT(claims).encode();
    const foreign = await generateKeyPair('ES256');
    const wrongKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(foreign.privateKey);
    const jwks = (await (await fetch(`${t.service.url}/.well-known/jwks.json`)).json()) as {
      keys: { x: string }[];
    };
    const hmac = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', kid })
      .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0])));
    const [h, , s] = user.accessToken.split('.');
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: 'someone-else' })).toString('base64url')}.${s}`;
    for (const token of [none, wrongKey, hmac, tampered, 'garbage', '']) {
      const { status, body } = await t.client.authenticate(token, 'bearer');
      if (token === '') expect(status).toBe(401);
      else
        expect({ status, code: body.code, reason: body.reason }).toEqual({
          status: 401,
          code: 'UNAUTHENTICATED',
          reason: 'TOKEN_INVALID',
        });
    }
    expect(await exportJWK(foreign.publicKey)).toBeTruthy();
  });

  it('an expired access token is TOKEN_EXPIRED; a refresh token is not an access token', async () => {
    const user = await t.client.user();
    const expired = await t.service.identity.tokens.issueAccess(
      { userId: user.id, kind: 'user', sessionId: user.sessionId },
      new Date(Date.now() - 2 * 86_400_000),
    );
    expect(await t.client.authenticate(expired, 'bearer')).toMatchObject({
      status: 401,
      body: { reason: 'TOKEN_EXPIRED' },
    });
    expect(await t.client.authenticate(user.refreshToken, 'bearer')).toMatchObject({
      status: 401,
      body: { reason: 'TOKEN_INVALID' },
    });
  });

  it('after a key rotation new tokens carry the new kid and tokens of the old key still verify', async () => {
    const before = await t.client.user();
    const oldKid = headerOf(before.accessToken).kid;
    await t.service.identity.signingKeys.rotate();
    const after = await t.client.login(before.email);
    expect(headerOf(after.accessToken).kid).not.toBe(oldKid);
    expect((await t.client.authenticate(before.accessToken, 'bearer')).status).toBe(200);
    expect((await t.client.authenticate(after.accessToken, 'bearer')).status).toBe(200);
    const jwks = (await (await fetch(`${t.service.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([oldKid, headerOf(after.accessToken).kid]),
    );
  });

  it('treats an API key sent as a bearer token as an API key (Serebro v1), and validates the request', async () => {
    const agent = await t.client.agent();
    expect((await t.client.authenticate(agent.apiKey, 'bearer')).status).toBe(200);
    const bad = await fetch(`${t.service.url}/internal/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"scheme":"magic"}',
    });
    expect(bad.status).toBe(400);
  });
});
