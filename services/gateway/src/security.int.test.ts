import { withinOneWindow } from '@seren/testing';
import { startRestSuite, type RestSuite } from './test-support/rest-suite';
import { eventually, restAgent, restUser } from './test-support/rest-flows';
import { STRONG_PASSWORD, uniqueEmail } from './test-support/suite';

// The issue's security requirements, through the public surfaces.

describe('security', () => {
  let s: RestSuite;
  beforeAll(async () => {
    // B's OAuth provider names a loopback endpoint: its URLs must pass the outbound check at creation
    s = await startRestSuite({ identityEnv: { OUTBOUND_ALLOW_PRIVATE: '127.0.0.0/8' } });
  });
  afterAll(() => s?.close());

  describe('a user of organization A gets 403/404 on every organization-B route', () => {
    let a: Awaited<ReturnType<typeof restUser>>;
    let aKey: string;
    let b: Awaited<ReturnType<typeof restUser>>;
    let fixture: Record<string, string>;

    beforeAll(async () => {
      a = await restUser(s, 'alice');
      b = await restUser(s, 'bob');
      aKey = (
        await s.serenai('POST', '/organizations/default/api-keys', { token: a.token, body: { name: 'a' } })
      ).body.data.key;
      const bKey = await s.serenai('POST', '/organizations/default/api-keys', {
        token: b.token,
        body: { name: 'b' },
      });
      const bRole = await s.serenai('POST', '/organizations/default/roles', {
        token: b.token,
        body: { name: 'B role', permissions: ['org.read'] },
      });
      const bTeam = await s.client.ok<{ createOrganization: { id: string } }>(
        `mutation { createOrganization(name: "B team") { id } }`,
        {},
        { token: b.token },
      );
      let logId = '';
      await eventually(async () => {
        const logs = await s.serenai('GET', '/organizations/default/audit-logs', { token: b.token });
        logId = logs.body.data?.logs?.[0]?.id ?? '';
        return Boolean(logId);
      }, 15_000);
      const bSession = (await s.serenai('GET', '/sessions', { token: b.token })).body[0].id;
      const bProvider = await s.serenai('POST', '/organizations/default/oauth/providers', {
        token: b.token,
        body: {
          name: 'B IdP',
          authorization_url: 'http://127.0.0.1:9/authorize',
          token_url: 'http://127.0.0.1:9/token',
          scopes: [],
          client_id: 'b-client',
          client_secret: 'b-client-secret',
        },
      });
      fixture = {
        org: b.organizationId,
        team: bTeam.createOrganization.id,
        key: bKey.body.data.id,
        bKey: bKey.body.data.key,
        role: bRole.body.data.id,
        member: b.id,
        log: logId,
        session: bSession,
        provider: bProvider.body.data.id,
      };
    });

    const routes: [method: string, path: string, body?: unknown][] = [
      ['GET', '/organizations/{org}/api-keys'],
      ['POST', '/organizations/{org}/api-keys', { name: 'intruder' }],
      ['DELETE', '/organizations/{org}/api-keys/{key}'],
      ['DELETE', '/organizations/default/api-keys/{key}'],
      ['GET', '/organizations/{org}/invites'],
      ['POST', '/organizations/{org}/invites', { email: 'intruder@example.com' }],
      ['GET', '/organizations/{team}/invites'],
      ['POST', '/organizations/{team}/invites', { email: 'intruder@example.com', role: 'admin' }],
      ['GET', '/organizations/{org}/members'],
      ['GET', '/organizations/{team}/members'],
      ['PUT', '/organizations/{org}/members/{member}/role', { role_name: 'viewer' }],
      ['GET', '/organizations/{org}/roles'],
      ['POST', '/organizations/{org}/roles', { name: 'Intruder', permissions: [] }],
      ['GET', '/organizations/{org}/roles/{role}'],
      ['PATCH', '/organizations/{org}/roles/{role}', { name: 'Hacked' }],
      ['DELETE', '/organizations/{org}/roles/{role}'],
      ['DELETE', '/organizations/default/roles/{role}'],
      ['GET', '/organizations/{org}/permissions/check/org.read'],
      ['GET', '/organizations/{org}/permissions/mine'],
      ['GET', '/organizations/{org}/audit-logs'],
      ['GET', '/organizations/{org}/audit-logs/{log}'],
      ['GET', '/organizations/default/audit-logs/{log}'],
      ['GET', '/organizations/{org}/oauth/providers'],
      [
        'POST',
        '/organizations/{org}/oauth/providers',
        {
          name: 'x',
          authorization_url: 'http://127.0.0.1:9/a',
          token_url: 'http://127.0.0.1:9/t',
          scopes: [],
          client_id: 'c',
          client_secret: 's',
        },
      ],
      ['GET', '/organizations/{org}/oauth/providers/{provider}'],
      ['PATCH', '/organizations/{org}/oauth/providers/{provider}', { name: 'Hacked' }],
      ['DELETE', '/organizations/{org}/oauth/providers/{provider}'],
      ['GET', '/organizations/default/oauth/providers/{provider}'],
      ['DELETE', '/organizations/default/oauth/providers/{provider}'],
      ['GET', '/oauth/providers/{provider}/authorize'],
      ['DELETE', '/oauth/connections/providers/{provider}'],
      ['DELETE', '/sessions/{session}'],
      ['POST', '/sessions/{session}/revoke-others'],
    ];

    it("every route answers 403 or 404 in the SerenAI error shape, to A's session and to A's API key", async () => {
      const answers: string[] = [];
      for (const [method, template, body] of routes) {
        const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => fixture[name]!);
        for (const [who, token] of [
          ['session', a.token],
          ['api key', aKey],
        ] as const) {
          const r = await s.serenai(method, path, { token, body });
          const shaped = typeof r.body?.error === 'string' && typeof r.body?.message === 'string';
          answers.push(
            `${method} ${template} as ${who}: ${[403, 404].includes(r.status) && shaped ? 'refused' : `${r.status} ${r.text}`}`,
          );
        }
      }
      expect(answers).toEqual(answers.map((line) => line.replace(/: .*$/, ': refused')));
      expect(answers).toHaveLength(routes.length * 2);
    });

    it("left B's resources untouched", async () => {
      expect((await s.serenai('GET', '/auth/me', { token: fixture.bKey })).status).toBe(200);
      expect(
        (await s.serenai('GET', `/organizations/default/roles/${fixture.role}`, { token: b.token })).body.data
          .name,
      ).toBe('B role');
      expect(
        (await s.serenai('GET', '/organizations/default/members', { token: b.token })).body.data,
      ).toHaveLength(1);
      expect((await s.serenai('GET', '/sessions', { token: b.token })).body).toHaveLength(1);
      expect(
        (
          await s.serenai('GET', `/organizations/default/oauth/providers/${fixture.provider}`, {
            token: b.token,
          })
        ).body.data.name,
      ).toBe('B IdP');
    });
  });

  it('secrets never appear in logs, events or GET responses', async () => {
    const email = uniqueEmail('secret');
    const password = 'Very-Secret-Pass-42';
    await s.serelo('POST', '/api/v1/auth/register', { body: { email, password, name: 'Secret' } });
    const verification = await s.mail.waitFor(email, /verify/i);
    // a reset link goes only to a verified address
    await s.serenai('POST', '/auth/verify-email', { body: { token: verification.token } });
    const login = await s.serelo('POST', '/api/v1/auth/login', { body: { email, password } });
    const refreshed = await s.serelo('POST', '/api/v1/auth/refresh', {
      body: { refresh_token: login.body.refresh_token },
    });
    const token = refreshed.body.access_token as string;
    const key = (
      await s.serenai('POST', '/organizations/default/api-keys', { token, body: { name: 'secret' } })
    ).body.data.key as string;
    const count = s.mail.mails.length;
    await s.serenai('POST', '/auth/forgot-password', { body: { email } });
    const reset = await s.mail.waitFor(email, /reset/i, count);
    const agent = await restAgent(s);
    const code = (await s.serenai('POST', '/wallet/recovery', { token: agent.token, body: {} })).body.data
      .recovery_code as string;
    const recovered = await s.serenai('POST', '/wallet/recover', { body: { recovery_code: code } });
    await s.serenai('POST', '/auth/reset-password', {
      body: { token: reset.token, new_password: 'Another-Secret-43' },
    });

    const secrets: Record<string, string> = {
      password,
      'new password': 'Another-Secret-43',
      'access token': login.body.access_token,
      'refresh token': login.body.refresh_token,
      'rotated refresh token': refreshed.body.refresh_token,
      'API key': key,
      'API key secret part': key.slice(17),
      'agent API key': agent.token,
      'recovery code': code,
      'recovery code (canonical)': code.replace(/-/g, ''),
      'new recovery code': recovered.body.data.recovery_code,
      'recovered API key': recovered.body.data.api_key,
      'verification token': verification.token!,
      'reset token': reset.token!,
    };

    await eventually(
      async () =>
        (
          await s.serenai('GET', '/organizations/default/audit-logs?action=api_key.create', {
            token: agent.token,
          })
        ).status !== 0,
    );
    const [{ events }] = await s.identity.dataSource.query(
      `select string_agg(data::text || metadata::text, ' ') as events from events`,
    );
    const gets = [
      await s.serenai('GET', '/auth/me', { token: recovered.body.data.api_key }),
      await s.serenai('GET', '/organizations/default/api-keys', { token: recovered.body.data.api_key }),
      await s.serenai('GET', '/organizations/default/audit-logs?limit=100', {
        token: recovered.body.data.api_key,
      }),
      await s.serenai('GET', '/sessions', { token }),
      await s.serelo('GET', '/api/v1/users/me', { token }),
    ]
      .map((r) => r.text)
      .join('\n');
    const logs = s.logs.text;
    expect(logs.length).toBeGreaterThan(1000);
    for (const [name, secret] of Object.entries(secrets)) {
      expect({
        name,
        inLogs: logs.includes(secret),
        inEvents: events.includes(secret),
        inGets: gets.includes(secret),
      }).toEqual({
        name,
        inLogs: false,
        inEvents: false,
        inGets: false,
      });
    }
    // what is stored: hashes only
    const credentials: { kind: string; hash: string }[] = await s.identity.dataSource.query(
      `select kind, hash from credentials`,
    );
    for (const c of credentials)
      for (const secret of Object.values(secrets)) expect(c.hash).not.toContain(secret);
    expect(
      credentials.filter((c) => c.kind === 'password').every((c) => c.hash.startsWith('$argon2id$')),
    ).toBe(true);
  });

  it('no user enumeration: login, forgot-password and resend-verification answer alike, in similar time', async () => {
    const user = await restUser(s);
    const attempt = async (email: string) => {
      const started = process.hrtime.bigint();
      const r = await s.serelo('POST', '/api/v1/auth/login', {
        body: { email, password: 'Wrong-Password-1' },
      });
      return { r, ms: Number(process.hrtime.bigint() - started) / 1e6 };
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      const k = await attempt(user.email);
      const u = await attempt(uniqueEmail('ghost'));
      expect(k.r.status).toBe(401);
      expect(u.r.body).toEqual(k.r.body);
      known.push(k.ms);
      unknown.push(u.ms);
    }
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[2]!;
    // both pay for one argon2 verification; neither answers markedly faster
    expect(median(unknown) / median(known)).toBeGreaterThan(0.5);
    expect(median(unknown) / median(known)).toBeLessThan(2);
    for (const path of ['/auth/forgot-password', '/auth/resend-verification']) {
      const a = await s.serenai('POST', path, { body: { email: user.email } });
      const b = await s.serenai('POST', path, { body: { email: uniqueEmail('ghost') } });
      expect([a.status, a.text]).toEqual([b.status, b.text]);
    }
  });
});

describe('brute-force login is stopped by the gateway limits', () => {
  let s: RestSuite;
  beforeAll(async () => {
    s = await startRestSuite({ rateLimits: true });
  });
  afterAll(() => s?.close());

  it('Serelo login: after 5 attempts a minute per IP, 429 RATE_LIMIT_EXCEEDED even with the right password', async () => {
    const email = uniqueEmail('victim');
    await s.client.register(email);
    await withinOneWindow(60_000, 20_000);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await s.serelo('POST', '/api/v1/auth/login', { body: { email, password: `Guess-${i}-Aa!` } }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const blocked = await s.serelo('POST', '/api/v1/auth/login', {
      body: { email, password: STRONG_PASSWORD },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body).toMatchObject({
      detail: { code: 'RATE_LIMIT_EXCEEDED', retry_after: expect.any(Number) },
    });
  });

  it('SerenAI credential routes (wallet recovery, password reset) are limited per IP', async () => {
    await withinOneWindow(60_000, 20_000);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (
          await s.serenai('POST', '/wallet/recover', {
            body: { recovery_code: `ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}` },
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
  });
});
