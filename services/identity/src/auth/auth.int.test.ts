import {
  STRONG_PASSWORD,
  startTestIdentity,
  uniqueEmail,
  verifyMailedAddress,
  type TestIdentity,
} from '../test/harness';

const REGISTER = `mutation($email: String!, $password: String!, $name: String!) { register(email: $email, password: $password, name: $name) { id email name kind emailVerified } }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken refreshToken tokenType expiresIn sessionId user { id } } }`;
const REFRESH = `mutation($t: String!) { refreshTokens(refreshToken: $t) { accessToken refreshToken tokenType } }`;

describe('accounts and sessions through the identity subgraph', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  describe('register (Serelo policy)', () => {
    it.each([
      ['a short password', { password: 'Aa1!aaa' }, 'password'],
      ['a password without uppercase', { password: 'lower-case-1!' }, 'password'],
      ['a password without lowercase', { password: 'UPPER-CASE-1!' }, 'password'],
      ['a password without a number', { password: 'No-Numbers-Here!' }, 'password'],
      ['a password without a special character', { password: 'NoSpecial123' }, 'password'],
      ['an invalid email', { email: 'not-an-email' }, 'email'],
      ['an email over 255 characters', { email: `${'a'.repeat(250)}@example.com` }, 'email'],
      ['an empty name', { name: '  ' }, 'name'],
      ['a name over 100 characters', { name: 'n'.repeat(101) }, 'name'],
    ])('refuses %s with VALIDATION_ERROR', async (_label, override, field) => {
      const error = await t.client.error(REGISTER, {
        email: uniqueEmail(),
        password: STRONG_PASSWORD,
        name: 'Ada',
        ...override,
      });
      expect(error).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'VALIDATION_ERROR' });
      const result = await t.client.graphql(REGISTER, {
        email: uniqueEmail(),
        password: STRONG_PASSWORD,
        name: 'Ada',
        ...override,
      });
      expect(result.errors?.[0]?.extensions?.field).toBe(field);
    });

    it('creates an unverified human with a personal organization and mails a verification link', async () => {
      const email = uniqueEmail('new');
      const data = await t.client.ok<{ register: Record<string, unknown> }>(REGISTER, {
        email,
        password: STRONG_PASSWORD,
        name: 'Ada',
      });
      expect(data.register).toMatchObject({ email, name: 'Ada', kind: 'HUMAN', emailVerified: false });
      const mail = await t.mail.waitFor(email, /verify/i);
      expect(mail.raw).toContain('http://console.test/verify-email?token=');
    });

    it('refuses a second account with the same email, whatever its case (EMAIL_EXISTS)', async () => {
      const email = uniqueEmail('dup');
      await t.client.register(email);
      expect(
        await t.client.error(REGISTER, {
          email: email.toUpperCase(),
          password: STRONG_PASSWORD,
          name: 'Twin',
        }),
      ).toMatchObject({
        code: 'CONFLICT',
        reason: 'EMAIL_EXISTS',
      });
    });
  });

  describe('login and tokens', () => {
    it('logs in with 24 h access and 30 day refresh tokens', async () => {
      const user = await t.client.register();
      const data = await t.client.ok<{
        login: { accessToken: string; refreshToken: string; tokenType: string; expiresIn: number };
      }>(LOGIN, {
        email: user.email,
        password: STRONG_PASSWORD,
      });
      expect(data.login).toMatchObject({ tokenType: 'bearer', expiresIn: 86_400 });
      const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
      const access = claims(data.login.accessToken);
      const refresh = claims(data.login.refreshToken);
      expect(access.exp - access.iat).toBe(86_400);
      expect(refresh.exp - refresh.iat).toBe(30 * 86_400);
      expect(access.sub).toBe(user.id);
    });

    it('answers a wrong password and an unknown email alike (INVALID_CREDENTIALS)', async () => {
      const user = await t.client.register();
      const wrong = await t.client.graphql(LOGIN, { email: user.email, password: 'Wrong-Password-1' });
      const unknown = await t.client.graphql(LOGIN, {
        email: uniqueEmail('ghost'),
        password: 'Wrong-Password-1',
      });
      expect(wrong.errors?.[0]).toEqual(unknown.errors?.[0]);
      expect(wrong.errors?.[0]?.extensions).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'INVALID_CREDENTIALS',
      });
    });

    it('rotates the refresh token; reusing a spent one revokes the whole session', async () => {
      const user = await t.client.user('rotate');
      const first = await t.client.ok<{ refreshTokens: { accessToken: string; refreshToken: string } }>(
        REFRESH,
        { t: user.refreshToken },
      );
      expect(first.refreshTokens.refreshToken).not.toBe(user.refreshToken);
      // the new pair works
      expect((await t.client.authenticate(first.refreshTokens.accessToken, 'bearer')).status).toBe(200);
      // the spent token comes back: refused, and the family dies
      expect(await t.client.error(REFRESH, { t: user.refreshToken })).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_INVALID',
      });
      expect(await t.client.error(REFRESH, { t: first.refreshTokens.refreshToken })).toMatchObject({
        code: 'UNAUTHENTICATED',
      });
      expect((await t.client.authenticate(first.refreshTokens.accessToken, 'bearer')).status).toBe(401);
      expect((await t.client.authenticate(user.accessToken, 'bearer')).status).toBe(401);
    });

    it('refuses an access token used as a refresh token, and garbage', async () => {
      const user = await t.client.user();
      expect(await t.client.error(REFRESH, { t: user.accessToken })).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_INVALID',
      });
      expect(await t.client.error(REFRESH, { t: 'not.a.jwt' })).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_INVALID',
      });
    });

    it('an expired refresh token is TOKEN_EXPIRED', async () => {
      const user = await t.client.user();
      const realNow = t.service.identity.now;
      t.service.identity.now = () => new Date(Date.now() + 31 * 86_400_000);
      try {
        expect(await t.client.error(REFRESH, { t: user.refreshToken })).toMatchObject({
          code: 'UNAUTHENTICATED',
        });
      } finally {
        t.service.identity.now = realNow;
      }
      // jose checks `exp` against the real clock: a token signed to expire in the past is refused as expired
      const expired = await t.service.identity.tokens.issueRefresh(
        { userId: user.id, sessionId: user.sessionId, refreshTokenId: 'x' },
        new Date(Date.now() - 31 * 86_400_000),
      );
      expect(await t.client.error(REFRESH, { t: expired })).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_EXPIRED',
      });
    });
  });

  describe('sessions', () => {
    it('lists sessions with IP, user agent and the current one marked; revokes one, others, all', async () => {
      const user = await t.client.user('sessions');
      const second = await t.client.login(user.email, STRONG_PASSWORD, {
        'x-forwarded-for': '203.0.113.7, 10.0.0.1',
        'user-agent': 'second-device/1.0',
      });
      const third = await t.client.login(user.email);
      const list = await t.client.ok<{
        sessions: { id: string; ipAddress: string; userAgent: string; isCurrent: boolean }[];
      }>(
        `{ sessions { id ipAddress userAgent isCurrent createdAt lastActiveAt expiresAt } }`,
        {},
        { token: second.accessToken },
      );
      expect(list.sessions).toHaveLength(3);
      expect(list.sessions.find((s) => s.id === second.sessionId)).toMatchObject({
        ipAddress: '203.0.113.7',
        userAgent: 'second-device/1.0',
        isCurrent: true,
      });
      expect(list.sessions.filter((s) => s.isCurrent)).toHaveLength(1);

      await t.client.ok(
        `mutation($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }`,
        { id: third.sessionId },
        user.as,
      );
      expect((await t.client.authenticate(third.accessToken, 'bearer')).status).toBe(401);

      const others = await t.client.ok<{ revokeOtherSessions: { revokedCount: number } }>(
        `mutation($id: ID!) { revokeOtherSessions(sessionId: $id) { revokedCount } }`,
        { id: second.sessionId },
        { token: second.accessToken },
      );
      expect(others.revokeOtherSessions.revokedCount).toBe(1);
      expect((await t.client.authenticate(user.accessToken, 'bearer')).status).toBe(401);

      const all = await t.client.ok<{ revokeAllSessions: { revokedCount: number } }>(
        `mutation { revokeAllSessions { revokedCount } }`,
        {},
        { token: second.accessToken },
      );
      expect(all.revokeAllSessions.revokedCount).toBe(1);
      expect((await t.client.authenticate(second.accessToken, 'bearer')).status).toBe(401);
    });

    it("another user's session is not found", async () => {
      const alice = await t.client.user();
      const bob = await t.client.user();
      expect(
        await t.client.error(
          `mutation($id: ID!) { revokeSession(sessionId: $id) { revokedCount } }`,
          { id: bob.sessionId },
          alice.as,
        ),
      ).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(
        await t.client.error(
          `mutation($id: ID!) { revokeOtherSessions(sessionId: $id) { revokedCount } }`,
          { id: bob.sessionId },
          alice.as,
        ),
      ).toMatchObject({
        code: 'NOT_FOUND',
      });
    });
  });

  describe('email verification and password reset by mail', () => {
    it('verify-email verifies and logs in; the link works once', async () => {
      const email = uniqueEmail('verify');
      await t.client.register(email);
      const mail = await t.mail.waitFor(email, /verify/i);
      const data = await t.client.ok<{
        verifyEmail: { accessToken: string; user: { emailVerified: boolean } };
      }>(`mutation($t: String!) { verifyEmail(token: $t) { accessToken user { emailVerified } } }`, {
        t: mail.token,
      });
      expect(data.verifyEmail.user.emailVerified).toBe(true);
      expect((await t.client.authenticate(data.verifyEmail.accessToken, 'bearer')).status).toBe(200);
      expect(
        await t.client.error(`mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`, {
          t: mail.token,
        }),
      ).toMatchObject({ code: 'VALIDATION_ERROR' });
    });

    it('resend-verification mails a new link that supersedes the old one', async () => {
      const email = uniqueEmail('resend');
      await t.client.register(email);
      const first = await t.mail.waitFor(email, /verify/i);
      const count = t.mail.mails.length;
      expect(
        await t.client.ok(`mutation($e: String!) { resendVerification(email: $e) }`, { e: email }),
      ).toEqual({ resendVerification: true });
      const second = await t.mail.waitFor(email, /verify/i, count);
      expect(second.token).not.toBe(first.token);
      expect(
        await t.client.error(`mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`, {
          t: first.token,
        }),
      ).toMatchObject({ code: 'VALIDATION_ERROR' });
      await t.client.ok(`mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`, {
        t: second.token,
      });
    });

    it('forgot-password mails a reset link; reset works once and ends every session', async () => {
      const user = await t.client.user('reset');
      await verifyMailedAddress(t, user.email);
      const count = t.mail.mails.length;
      expect(
        await t.client.ok(`mutation($e: String!) { forgotPassword(email: $e) }`, { e: user.email }),
      ).toEqual({ forgotPassword: true });
      const mail = await t.mail.waitFor(user.email, /reset/i, count);
      expect(mail.raw).toContain('http://console.test/reset-password?token=');
      const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
      expect(await t.client.error(RESET, { t: mail.token, p: 'weak' })).toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      expect(await t.client.ok(RESET, { t: mail.token, p: 'Brand-New-Pass-2' })).toEqual({
        resetPassword: true,
      });
      expect((await t.client.authenticate(user.accessToken, 'bearer')).status).toBe(401);
      await t.client.login(user.email, 'Brand-New-Pass-2');
      // spent: invalid (400); never issued: not found (404)
      expect(await t.client.error(RESET, { t: mail.token, p: 'Another-Pass-3!' })).toMatchObject({
        code: 'VALIDATION_ERROR',
        reason: 'TOKEN_INVALID',
      });
      expect(await t.client.error(RESET, { t: 'never-issued', p: 'Another-Pass-3!' })).toMatchObject({
        code: 'NOT_FOUND',
      });
    });

    it('forgot-password and resend-verification answer alike for unknown addresses and send nothing', async () => {
      const ghost = uniqueEmail('ghost');
      expect(await t.client.ok(`mutation($e: String!) { forgotPassword(email: $e) }`, { e: ghost })).toEqual({
        forgotPassword: true,
      });
      expect(
        await t.client.ok(`mutation($e: String!) { resendVerification(email: $e) }`, { e: ghost }),
      ).toEqual({ resendVerification: true });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(t.mail.mails.some((m) => m.to.includes(ghost))).toBe(false);
    });
  });

  describe('profile and password', () => {
    it('updates the name (1-100 characters)', async () => {
      const user = await t.client.user();
      expect(await t.client.ok(`mutation { updateMe(name: "Grace") { name } }`, {}, user.as)).toEqual({
        updateMe: { name: 'Grace' },
      });
      expect(await t.client.error(`mutation { updateMe(name: "") { name } }`, {}, user.as)).toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    });

    it('change-password checks the current one and the policy, and ends the other sessions', async () => {
      const user = await t.client.user('change');
      const other = await t.client.login(user.email);
      const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
      expect(
        await t.client.error(CHANGE, { c: 'Wrong-Password-1', n: 'Next-Password-2' }, user.as),
      ).toMatchObject({ code: 'VALIDATION_ERROR', reason: 'INVALID_CREDENTIALS' });
      expect(await t.client.error(CHANGE, { c: STRONG_PASSWORD, n: 'weakpass' }, user.as)).toMatchObject({
        code: 'VALIDATION_ERROR',
      });
      expect(await t.client.ok(CHANGE, { c: STRONG_PASSWORD, n: 'Next-Password-2' }, user.as)).toEqual({
        changePassword: true,
      });
      expect((await t.client.authenticate(user.accessToken, 'bearer')).status).toBe(200);
      expect((await t.client.authenticate(other.accessToken, 'bearer')).status).toBe(401);
      await t.client.login(user.email, 'Next-Password-2');
    });
  });

  describe('agents', () => {
    it('registers an agent with a unique celestial name, a personal organization and an "agent" key', async () => {
      const a = await t.client.agent();
      const b = await t.client.agent();
      expect(a.name).toMatch(/^[a-z]+-[a-z]+-\d{4}$/);
      expect(a.name).not.toBe(b.name);
      const caller = await t.client.callerFor(a.apiKey, 'api_key');
      expect(caller).toMatchObject({
        subject: a.id,
        kind: 'agent',
        organizationId: a.organizationId,
        via: 'api_key',
      });
      expect(caller.permissions).toContain('org.manage_api_keys');
      const named = await t.client.agent('My Agent');
      expect(named.name).toBe('My Agent');
    });

    it('PATCH agent: a new email is unverified and gets a verification mail', async () => {
      const agent = await t.client.agent();
      const email = uniqueEmail('agent');
      const data = await t.client.ok<{ updateAgent: { email: string; emailVerified: boolean } }>(
        `mutation($e: String!) { updateAgent(email: $e) { email emailVerified } }`,
        { e: email },
        agent.as,
      );
      expect(data.updateAgent).toEqual({ email, emailVerified: false });
      const mail = await t.mail.waitFor(email, /verify/i);
      await t.client.ok(`mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`, {
        t: mail.token,
      });
      expect(await t.client.ok(`{ me { emailVerified } }`, {}, agent.as)).toEqual({
        me: { emailVerified: true },
      });
      expect(
        await t.client.error(
          `mutation($e: String!) { updateAgent(email: $e) { email } }`,
          { e: 'bad' },
          agent.as,
        ),
      ).toMatchObject({ code: 'VALIDATION_ERROR' });
    });
  });
});
