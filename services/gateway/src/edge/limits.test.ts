import { anonymous, type Caller } from '@seren/service-kit';
import { exceededWindow, hitsFor, serebroLimits, sereloLimits } from './limits';
import type { WindowState } from './rate-limit';

const user: Caller = {
  subject: 'user_1',
  kind: 'user',
  organizationId: 'org_9',
  scopes: [],
  permissions: [],
  via: 'api_key',
};
const state = (over: Partial<WindowState>): WindowState => ({
  key: 'k',
  limit: 100,
  windowMs: 60_000,
  count: 1,
  remaining: 99,
  resetAt: 1_700_000_060_000,
  exceeded: false,
  ...over,
});

describe('product rate limits', () => {
  it("keys Serelo's limits as its spec says: login and register per IP, refresh per user, the rest per user", () => {
    const ip = '10.0.0.7';
    const login = hitsFor('serelo', 'login', { caller: anonymous, ip, body: { email: ' Ada@Example.com' } });
    expect(login).toEqual([
      { key: 'credential:login.ip:60000:ip:10.0.0.7', limit: 5, windowMs: 60_000 },
      {
        key: expect.stringMatching(/^credential:login\.account:60000:account:[\w-]{32}$/),
        limit: 10,
        windowMs: 60_000,
      },
    ]);
    // the account counter names the address by a digest, whatever its case and spaces
    expect(login[1]!.key).not.toContain('ada');
    expect(
      hitsFor('serelo', 'login', {
        caller: anonymous,
        ip: '10.9.9.9',
        body: { email: 'ada@example.com' },
      })[1]!.key,
    ).toBe(login[1]!.key);
    expect(hitsFor('serelo', 'register', { caller: anonymous, ip, body: {} })).toEqual([
      { key: 'credential:register.ip:60000:ip:10.0.0.7', limit: 3, windowMs: 60_000 },
    ]);
    // a token nobody verified counts per IP (see refresh-subject.test.ts for verified ones)
    const unsigned = [
      'e30',
      Buffer.from(JSON.stringify({ sub: 'user_5' })).toString('base64url'),
      'sig',
    ].join('.');
    expect(
      hitsFor('serelo', 'refresh', { caller: anonymous, ip, body: { refresh_token: unsigned } }),
    ).toEqual([{ key: 'credential:refreshTokens.tokenUser:60000:ip:10.0.0.7', limit: 10, windowMs: 60_000 }]);
    expect(hitsFor('serelo', 'general', { caller: user, ip, body: undefined })).toEqual([
      { key: 'serelo:general:60000:user:user_1', limit: 100, windowMs: 60_000 },
      { key: 'serelo:general:3600000:user:user_1', limit: 1000, windowMs: 3_600_000 },
    ]);
  });

  it("gives each of SerenAI's credential routes its own counter per IP", () => {
    const classes = [
      'registerAgent',
      'updateAgent',
      'forgotPassword',
      'resendVerification',
      'resetPassword',
      'verifyEmail',
      'recoverWallet',
    ] as const;
    const keys = classes.map((c) => hitsFor('serenai', c, { caller: anonymous, ip: '10.0.0.8', body: {} }));
    for (const hits of keys) expect(hits).toEqual([expect.objectContaining({ limit: 10, windowMs: 60_000 })]);
    expect(new Set(keys.map((hits) => hits[0]!.key)).size).toBe(classes.length);
    expect(keys[2]![0]!.key).toBe('credential:forgotPassword.ip:60000:ip:10.0.0.8');
  });

  it('keys Serebro v2 per app and resource, 100 per 10 s and 200,000 per day', () => {
    const oauth: Caller = {
      ...user,
      via: 'oauth',
      appId: 'app_1',
      credentialId: 'install_1',
      authClass: 'Location',
      resourceId: 'loc_1',
      organizationId: 'loc_1',
    };
    expect(hitsFor('serebro', 'api', { caller: oauth, ip: '1.2.3.4', body: undefined })).toEqual([
      { key: 'serebro:api:10000:app:oauth:app_1:res:loc_1', limit: 100, windowMs: 10_000 },
      { key: 'serebro:api:86400000:app:oauth:app_1:res:loc_1', limit: 200_000, windowMs: 86_400_000 },
    ]);
    const key = (caller: Caller) => hitsFor('serebro', 'api', { caller, ip: '1', body: undefined })[0]!.key;
    // another app on the same location, the same app on another location: other counters
    expect(key({ ...oauth, appId: 'app_2' })).not.toBe(key(oauth));
    expect(key({ ...oauth, resourceId: 'loc_2', organizationId: 'loc_2' })).not.toBe(key(oauth));
    // an agency token naming one of its locations counts against the agency (its resource)
    const agency = { ...oauth, authClass: 'Company' as const, resourceId: 'agency_1' };
    expect(key({ ...agency, organizationId: 'loc_1' })).toBe(key({ ...agency, organizationId: 'loc_2' }));
    // a PIT is its own app
    expect(key({ ...oauth, via: 'pit', appId: 'pit_1', credentialId: 'pit_1' })).toBe(
      'serebro:api:10000:app:pit:pit_1:res:loc_1',
    );
  });

  it('keys Serebro v1 per API key', () => {
    expect(
      hitsFor('serebro', 'api', { caller: { ...user, credentialId: 'key_1' }, ip: '1', body: undefined }),
    ).toEqual([
      { key: 'serebro:api:10000:key:key_1', limit: 100, windowMs: 10_000 },
      { key: 'serebro:api:86400000:key:key_1', limit: 200_000, windowMs: 86_400_000 },
    ]);
    expect(hitsFor('serebro', 'api', { caller: anonymous, ip: '1.2.3.4', body: undefined })[0]!.key).toBe(
      'serebro:api:10000:ip:1.2.3.4',
    );
  });

  it('applies configured overrides', () => {
    expect(
      hitsFor(
        'serelo',
        'login',
        { caller: anonymous, ip: '1', body: {} },
        { 'serelo.login': [{ limit: 1, windowMs: 1000 }] },
      ),
    ).toEqual([{ key: 'credential:login.ip:1000:ip:1', limit: 1, windowMs: 1000 }]);
    expect(
      hitsFor(
        'serelo',
        'login',
        { caller: anonymous, ip: '1', body: { email: 'a@example.com' } },
        { 'credential.login.account': [{ limit: 2, windowMs: 1000 }] },
      )[1],
    ).toMatchObject({ limit: 2, windowMs: 1000 });
    expect(hitsFor('serenai', 'general', { caller: user, ip: '1', body: {} })).toEqual([]);
  });

  it("advertises Serelo's tightest window and Serebro's five headers", () => {
    expect(
      sereloLimits.headers([
        state({ remaining: 40 }),
        state({ limit: 1000, remaining: 10, resetAt: 1_700_003_600_000, windowMs: 3_600_000 }),
      ]),
    ).toEqual({
      'x-ratelimit-limit': '1000',
      'x-ratelimit-remaining': '10',
      'x-ratelimit-reset': '1700003600',
    });
    expect(
      serebroLimits.headers([
        state({ limit: 100, remaining: 97, windowMs: 10_000 }),
        state({ limit: 200_000, remaining: 199_997, windowMs: 86_400_000 }),
      ]),
    ).toEqual({
      'x-ratelimit-limit-daily': '200000',
      'x-ratelimit-daily-remaining': '199997',
      'x-ratelimit-interval-milliseconds': '10000',
      'x-ratelimit-max': '100',
      'x-ratelimit-remaining': '97',
    });
  });

  it('makes a client that used up both windows wait for the later reset', () => {
    const minute = state({ exceeded: true, remaining: 0, resetAt: 1_700_000_040_000 });
    const hour = state({
      exceeded: true,
      remaining: 0,
      limit: 1000,
      resetAt: 1_700_003_600_000,
      windowMs: 3_600_000,
    });
    expect(exceededWindow([minute, hour])).toBe(hour);
    expect(exceededWindow([minute, state({ remaining: 3 })])).toBe(minute);
    expect(exceededWindow([state({ remaining: 3 })])).toBeUndefined();
    expect(sereloLimits.headers([minute, hour])['x-ratelimit-reset']).toBe('1700003600');
    expect(sereloLimits.tooMany(exceededWindow([minute, hour])!, 1_700_000_000_000).extra).toEqual({
      retry_after: 3600,
    });
  });

  it("answers Serelo's documented 429 body", () => {
    expect(
      sereloLimits.tooMany(state({ exceeded: true, resetAt: 1_700_000_030_000 }), 1_700_000_000_000),
    ).toEqual({
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
      message: 'Too many requests. Try again in 30 seconds.',
      extra: { retry_after: 30 },
    });
  });
});
