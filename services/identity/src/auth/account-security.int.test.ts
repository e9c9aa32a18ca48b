import { SignJWT } from 'jose';
import {
  STRONG_PASSWORD,
  startTestIdentity,
  uniqueEmail,
  verifyMailedAddress,
  type TestIdentity,
} from '../test/harness';

// Issue 9 at the subgraph (GraphQL) level: the agent email change that was an account takeover,
// email enumeration through it, the login backoff, and the password bounds.

const UPDATE_AGENT = `mutation($e: String!) { updateAgent(email: $e) { email emailVerified } }`;
const FORGOT = `mutation($e: String!) { forgotPassword(email: $e) }`;
const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken } }`;
const ME = `{ me { email emailVerified } }`;
const VERIFY = `mutation($t: String!) { verifyEmail(token: $t) { accessToken } }`;

const settle = () => new Promise((resolve) => setTimeout(resolve, 600));

describe('account security (issue 9)', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity();
  });
  afterAll(() => t?.close());

  const mailsTo = (email: string, subject: RegExp, after = 0) =>
    t.mail.mails.slice(after).filter((m) => m.to.includes(email.toLowerCase()) && subject.test(m.subject));

  /** An agent whose address `email` is verified. */
  async function agentWithVerifiedEmail(email = uniqueEmail('agent')) {
    const agent = await t.client.agent();
    await t.client.ok(UPDATE_AGENT, { e: email }, agent.as);
    const mail = await t.mail.waitFor(email, /verify/i);
    await t.client.ok(VERIFY, { t: mail.token });
    return { ...agent, email };
  }

  describe('updateAgent (PATCH /auth/agent)', () => {
    it('refuses a person, whatever the credential: FORBIDDEN AGENT_ONLY, nothing changes, nothing is mailed', async () => {
      const user = await t.client.user('human');
      const count = t.mail.mails.length;
      expect(await t.client.error(UPDATE_AGENT, { e: 'attacker@example.com' }, user.as)).toMatchObject({
        code: 'FORBIDDEN',
        reason: 'AGENT_ONLY',
      });
      expect(await t.client.ok(ME, {}, user.as)).toEqual({ me: { email: user.email, emailVerified: false } });
      await settle();
      expect(mailsTo('attacker@example.com', /./, count)).toEqual([]);
    });

    it('a new address is pending: not the login or reset address until verified; the old address is told', async () => {
      const agent = await agentWithVerifiedEmail(uniqueEmail('old'));
      const next = uniqueEmail('new');
      const count = t.mail.mails.length;
      expect(await t.client.ok(UPDATE_AGENT, { e: next }, agent.as)).toEqual({
        updateAgent: { email: next, emailVerified: false },
      });
      const notice = await t.mail.waitFor(agent.email, /being changed/i, count);
      expect(notice.raw.replace(/=\r?\n/g, '')).toContain(next); // quoted-printable soft breaks
      const link = await t.mail.waitFor(next, /verify/i, count);
      // still the old, verified address: a reset goes there, never to the pending one
      expect(await t.client.ok(ME, {}, agent.as)).toEqual({
        me: { email: agent.email, emailVerified: true },
      });
      await t.client.ok(FORGOT, { e: next });
      await t.client.ok(FORGOT, { e: agent.email });
      await t.mail.waitFor(agent.email, /reset/i, count);
      await settle();
      expect(mailsTo(next, /reset/i, count)).toEqual([]);
      // following the link makes it the address
      await t.client.ok(VERIFY, { t: link.token });
      expect(await t.client.ok(ME, {}, agent.as)).toEqual({ me: { email: next, emailVerified: true } });
    });

    it('answers alike whether or not another account has the address; its owner is told by mail, the caller learns nothing', async () => {
      const owner = await t.client.user('taken');
      await t.mail.waitFor(owner.email, /verify/i); // its registration mail, before counting
      const agent = await t.client.agent();
      const fresh = uniqueEmail('fresh');
      const count = t.mail.mails.length;
      const taken = await t.client.graphql(UPDATE_AGENT, { e: owner.email }, agent.as);
      const free = await t.client.graphql(UPDATE_AGENT, { e: fresh }, agent.as);
      expect(taken).toEqual({ data: { updateAgent: { email: owner.email, emailVerified: false } } });
      expect(free).toEqual({ data: { updateAgent: { email: fresh, emailVerified: false } } });
      await t.mail.waitFor(owner.email, /tried to use your email/i, count);
      await t.mail.waitFor(fresh, /verify/i, count);
      await settle();
      expect(mailsTo(owner.email, /verify/i, count)).toEqual([]);
    });
  });

  it('forgot-password mails a reset link only to a verified address (an unverified one gets its verification link)', async () => {
    const user = await t.client.user('unverified');
    const count = t.mail.mails.length;
    await t.client.ok(FORGOT, { e: user.email });
    await t.mail.waitFor(user.email, /verify/i, count);
    await settle();
    expect(mailsTo(user.email, /reset/i, count)).toEqual([]);
    await verifyMailedAddress(t, user.email);
    const after = t.mail.mails.length;
    await t.client.ok(FORGOT, { e: user.email });
    await t.mail.waitFor(user.email, /reset/i, after);
  });

  describe('login backoff per (address, IP)', () => {
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    const attempt = async (email: string, password: string, ip: string) => {
      const result = await t.client.graphql(LOGIN, { email, password }, undefined, from(ip));
      const extensions = result.errors?.[0]?.extensions;
      return extensions ? (extensions.reason ?? extensions.code) : 'OK';
    };

    it('after 5 failures one source waits (429 RATE_LIMITED with retryAfter, even with the right password); another source logs in', async () => {
      const user = await t.client.register(uniqueEmail('victim'));
      const reasons: unknown[] = [];
      for (let i = 0; i < 6; i++)
        reasons.push(await attempt(user.email, `Wrong-${i}-Password!`, '198.51.100.7'));
      expect(reasons).toEqual(Array(6).fill('INVALID_CREDENTIALS'));
      const locked = await t.client.graphql(
        LOGIN,
        { email: user.email, password: STRONG_PASSWORD },
        undefined,
        from('198.51.100.7'),
      );
      expect(locked.errors?.[0]?.extensions).toMatchObject({
        code: 'RATE_LIMITED',
        retryAfter: expect.any(Number),
      });
      expect(locked.errors?.[0]?.message).toMatch(/too many failed logins/i);
      expect(locked.errors?.[0]?.extensions?.retryAfter).toBeLessThanOrEqual(15);
      // the owner, elsewhere, is not locked out
      expect(await attempt(user.email, STRONG_PASSWORD, '203.0.113.9')).toBe('OK');
    });

    it('an unknown address backs off alike, so a lock tells nothing about accounts', async () => {
      const ghost = uniqueEmail('ghost');
      const reasons: unknown[] = [];
      for (let i = 0; i < 7; i++) reasons.push(await attempt(ghost, `Wrong-${i}-Password!`, '198.51.100.8'));
      expect(reasons).toEqual([...Array(6).fill('INVALID_CREDENTIALS'), 'RATE_LIMITED']);
    });

    it('a success resets the count', async () => {
      const user = await t.client.register(uniqueEmail('forgetful'));
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < 5; i++) await attempt(user.email, `Wrong-${i}-Password!`, '198.51.100.9');
        expect(await attempt(user.email, STRONG_PASSWORD, '198.51.100.9')).toBe('OK');
      }
    });
  });

  it('tokens carry `aud`: access tokens the suite, refresh tokens identity; a token for another audience is refused', async () => {
    const user = await t.client.user('aud');
    const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());
    expect(claims(user.accessToken).aud).toBe('seren-suite');
    expect(claims(user.refreshToken).aud).toBe('seren-identity');
    // identity's own key, the right claims, but minted for another audience (say, an OAuth client of Serebro)
    const key = await t.service.identity.signingKeys.current();
    const now = Math.floor(Date.now() / 1000);
    const foreign = await new SignJWT({ typ: 'access', kind: 'user', sid: user.sessionId })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: 'JWT' })
      .setIssuer('seren-identity')
      .setAudience('serebro-oauth-client')
      .setSubject(user.id)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key.privateKey);
    expect(await t.client.authenticate(foreign, 'bearer')).toMatchObject({
      status: 401,
      body: { reason: 'TOKEN_INVALID' },
    });
    expect((await t.client.authenticate(user.accessToken, 'bearer')).status).toBe(200);
  });

  describe('password bounds', () => {
    it('a login with a password over 256 characters is refused at once, without hashing it', async () => {
      const user = await t.client.register();
      const started = Date.now();
      const result = await t.client.graphql(LOGIN, {
        email: user.email,
        password: `Aa1!${'x'.repeat(100_000)}`,
      });
      expect(result.errors?.[0]?.extensions).toMatchObject({ reason: 'INVALID_CREDENTIALS' });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('change-password and reset-password refuse the current password (PASSWORD_UNCHANGED)', async () => {
      const user = await t.client.user('same');
      const CHANGE = `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`;
      expect(await t.client.error(CHANGE, { c: STRONG_PASSWORD, n: STRONG_PASSWORD }, user.as)).toMatchObject(
        {
          code: 'VALIDATION_ERROR',
          reason: 'PASSWORD_UNCHANGED',
        },
      );
      await verifyMailedAddress(t, user.email);
      const count = t.mail.mails.length;
      await t.client.ok(FORGOT, { e: user.email });
      const mail = await t.mail.waitFor(user.email, /reset/i, count);
      const RESET = `mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) }`;
      expect(await t.client.error(RESET, { t: mail.token, p: STRONG_PASSWORD })).toMatchObject({
        code: 'VALIDATION_ERROR',
        reason: 'PASSWORD_UNCHANGED',
      });
      expect(await t.client.ok(RESET, { t: mail.token, p: 'Another-Pass-3!' })).toEqual({
        resetPassword: true,
      });
    });
  });
});
