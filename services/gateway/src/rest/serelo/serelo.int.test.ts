import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { eventually, restUser } from '../../test-support/rest-flows';
import { STRONG_PASSWORD, uniqueEmail } from '../../test-support/suite';

// Serelo's identity routes through the gateway: bodies, statuses and {"detail": {"code", "message"}} errors.

describe('Serelo REST (auth and users) through the gateway', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite();
  });
  afterAll(() => s?.close());

  const detail = (code: string) => ({ detail: { code, message: expect.any(String) } });

  it('POST /api/v1/auth/register → 201 with the documented body; 400 VALIDATION_ERROR; 409 EMAIL_EXISTS', async () => {
    const email = uniqueEmail('serelo');
    const r = await s.serelo('POST', '/api/v1/auth/register', {
      body: { email, password: 'SecurePassword123!', name: 'John Doe' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.any(String),
      email,
      name: 'John Doe',
      subscription_tier: 'free',
      created_at: expect.any(String),
    });
    const dup = await s.serelo('POST', '/api/v1/auth/register', {
      body: { email, password: 'SecurePassword123!', name: 'John Doe' },
    });
    expect(dup.status).toBe(409);
    expect(dup.body).toEqual(detail('EMAIL_EXISTS'));
    for (const body of [
      { email: 'bad', password: 'SecurePassword123!', name: 'J' },
      { email: uniqueEmail(), password: 'short', name: 'J' },
      { email: uniqueEmail(), password: 'SecurePassword123!', name: '' },
      { email: uniqueEmail(), password: 'SecurePassword123!' },
    ]) {
      const bad = await s.serelo('POST', '/api/v1/auth/register', { body });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual(detail('VALIDATION_ERROR'));
    }
  });

  it('POST /api/v1/auth/login → 200 tokens and user; 401 INVALID_CREDENTIALS alike for unknown emails; 400 missing fields', async () => {
    const user = await restUser(s);
    const r = await s.serelo('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: STRONG_PASSWORD },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      user: { id: user.id, email: user.email, name: 'Rest User', subscription_tier: 'free' },
    });
    const wrong = await s.serelo('POST', '/api/v1/auth/login', {
      body: { email: user.email, password: 'Wrong-Password-1' },
    });
    const unknown = await s.serelo('POST', '/api/v1/auth/login', {
      body: { email: uniqueEmail('ghost'), password: 'Wrong-Password-1' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual(detail('INVALID_CREDENTIALS'));
    expect(unknown.body).toEqual(wrong.body);
    expect((await s.serelo('POST', '/api/v1/auth/login', { body: { email: user.email } })).status).toBe(400);
  });

  it('POST /api/v1/auth/refresh → 200 rotated tokens; reuse → 401 TOKEN_INVALID and the session ends', async () => {
    const user = await restUser(s);
    const r = await s.serelo('POST', '/api/v1/auth/refresh', { body: { refresh_token: user.refreshToken } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
    });
    const reuse = await s.serelo('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: user.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body).toEqual(detail('TOKEN_INVALID'));
    await eventually(
      async () => (await s.serelo('GET', '/api/v1/users/me', { token: r.body.access_token })).status === 401,
    );
    expect(
      (await s.serelo('POST', '/api/v1/auth/refresh', { body: { refresh_token: 'garbage' } })).body,
    ).toEqual(detail('TOKEN_INVALID'));
  });

  it('an expired access token is 401 TOKEN_EXPIRED', async () => {
    const user = await restUser(s);
    const claims = JSON.parse(Buffer.from(user.token.split('.')[1]!, 'base64url').toString());
    const expired = await s.identity.identity.tokens.issueAccess(
      { userId: user.id, kind: 'user', sessionId: claims.sid },
      new Date(Date.now() - 2 * 86_400_000),
    );
    const r = await s.serelo('GET', '/api/v1/users/me', { token: expired });
    expect(r.status).toBe(401);
    expect(r.body).toEqual(detail('TOKEN_EXPIRED'));
  });

  it('GET and PATCH /api/v1/users/me', async () => {
    const user = await restUser(s);
    const me = await s.serelo('GET', '/api/v1/users/me', { token: user.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      id: user.id,
      email: user.email,
      name: 'Rest User',
      subscription_tier: expect.any(String),
      quota: expect.any(Object),
    });
    const patched = await s.serelo('PATCH', '/api/v1/users/me', {
      token: user.token,
      body: { name: 'John Updated' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({
      id: user.id,
      email: user.email,
      name: 'John Updated',
      subscription_tier: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(
      (await s.serelo('PATCH', '/api/v1/users/me', { token: user.token, body: { name: 'x'.repeat(101) } }))
        .body,
    ).toEqual(detail('VALIDATION_ERROR'));
    expect((await s.serelo('GET', '/api/v1/users/me')).status).toBe(401);
  });

  it('POST /api/v1/users/change-password → 200 message; 400 wrong current; 400 weak new', async () => {
    const user = await restUser(s);
    const wrong = await s.serelo('POST', '/api/v1/users/change-password', {
      token: user.token,
      body: { current_password: 'Nope-Nope-1', new_password: 'NewPassword456!' },
    });
    expect(wrong.status).toBe(400);
    const weak = await s.serelo('POST', '/api/v1/users/change-password', {
      token: user.token,
      body: { current_password: STRONG_PASSWORD, new_password: 'weak' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body).toEqual(detail('VALIDATION_ERROR'));
    const ok = await s.serelo('POST', '/api/v1/users/change-password', {
      token: user.token,
      body: { current_password: STRONG_PASSWORD, new_password: 'NewPassword456!' },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ message: 'Password updated successfully' });
    expect(
      (
        await s.serelo('POST', '/api/v1/auth/login', {
          body: { email: user.email, password: 'NewPassword456!' },
        })
      ).status,
    ).toBe(200);
  });
});
