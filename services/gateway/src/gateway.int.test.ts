import { withinOneWindow } from '@seren/testing';
import { Writable } from 'node:stream';
import { createLogger } from '@seren/service-kit';
import type { Gateway } from './gateway';
import {
  gatewayEnv,
  graphql,
  registerAndLogin,
  startSubgraphs,
  startTestGateway,
  STRONG_PASSWORD,
  jsonOf,
} from './test-support/suite';

describe('gateway in front of identity, crm, content and commerce', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  let gateway: Gateway;
  let user: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startTestGateway(gatewayEnv(subgraphs));
    user = await registerAndLogin(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraphs?.close();
  });

  const serelo = (path: string, init: RequestInit = {}) =>
    fetch(`${gateway.listeners.serelo.url}${path}`, init);
  const bearer = () => ({ authorization: `Bearer ${user.accessToken}` });

  describe('one federated graph', () => {
    it('resolves a query that starts in identity and takes the quota from content', async () => {
      const { status, body } = await graphql(
        gateway,
        '{ me { id email name subscriptionTier quota { postsUsed postsLimit resetDate } } }',
        {},
        bearer(),
      );
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.me).toMatchObject({
        id: user.userId,
        email: user.email,
        name: 'Ada Lovelace',
        subscriptionTier: 'free',
        quota: { postsUsed: 0, postsLimit: 10 },
      });
      expect(new Date(body.data.me.quota.resetDate).getUTCDate()).toBe(1);
    });

    it('is anonymous without a credential and refuses a bad one with 401', async () => {
      const anonymous = await graphql(gateway, '{ me { id } }');
      expect(anonymous.body.data).toEqual({ me: null });
      const refused = await graphql(gateway, '{ me { id } }', {}, { authorization: 'Bearer not-a-real-key' });
      expect(refused.status).toBe(401);
      expect(refused.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('Serelo REST through the supergraph', () => {
    it("GET /api/v1/users/me joins identity's user with content's quota, in the documented shape", async () => {
      const response = await serelo('/api/v1/users/me', { headers: bearer() });
      expect(response.status).toBe(200);
      const body = await jsonOf(response);
      expect(body).toEqual({
        id: user.userId,
        email: user.email,
        name: 'Ada Lovelace',
        subscription_tier: 'free',
        quota: {
          posts_used: 0,
          posts_limit: 10,
          reset_date: expect.stringMatching(/^\d{4}-\d{2}-01T00:00:00/),
        },
        created_at: expect.any(String),
      });
      expect(response.headers.get('x-ratelimit-limit')).toBe('100');
      expect(Number(response.headers.get('x-ratelimit-remaining'))).toBeLessThan(100);
      expect(Number(response.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
    });

    it("answers 401 in Serelo's shape without a token or with an invalid one", async () => {
      const missing = await serelo('/api/v1/users/me');
      expect(missing.status).toBe(401);
      expect(await jsonOf(missing)).toEqual({
        detail: { code: 'TOKEN_INVALID', message: expect.any(String) },
      });
      const invalid = await serelo('/api/v1/users/me', { headers: { authorization: 'Bearer a.b.c' } });
      expect(invalid.status).toBe(401);
      expect((await jsonOf(invalid)).detail.code).toMatch(/^TOKEN_(INVALID|EXPIRED)$/);
    });
  });

  describe("Serelo's own auth routes through the edge", () => {
    it('logs in through POST /api/v1/auth/login, limited per IP with the documented headers', async () => {
      const ok = await serelo('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: STRONG_PASSWORD }),
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-ratelimit-limit')).toBe('5');
      const body = await jsonOf(ok);
      expect(body).toMatchObject({
        token_type: 'bearer',
        user: { id: user.userId, subscription_tier: 'free' },
      });

      const wrong = await serelo('/api/v1/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: user.email, password: 'Not-the-password-1!' }),
      });
      expect(wrong.status).toBe(401);
      expect(await jsonOf(wrong)).toEqual({
        detail: { code: 'INVALID_CREDENTIALS', message: expect.any(String) },
      });
    });
  });

  describe('the edge', () => {
    it('authenticates a credential once and reuses the answer', async () => {
      await serelo('/api/v1/users/me', { headers: bearer() });
      const before = gateway.authenticator.lookups;
      for (let i = 0; i < 3; i++)
        expect((await serelo('/api/v1/users/me', { headers: bearer() })).status).toBe(200);
      expect(gateway.authenticator.lookups).toBe(before);
    });

    it('serves the AsyncAPI document of the event streams at :4000/asyncapi.json', async () => {
      const response = await fetch(`${gateway.listeners.graphql.url}/asyncapi.json`);
      expect(response.status).toBe(200);
      const document = await jsonOf(response);
      expect(document.asyncapi).toBe('3.0.0');
      expect(document.channels.identity_user.address).toBe('identity.user');
      expect(document.components.messages.UserRegistered.payload.properties.userId).toBeDefined();
    });

    it('serves GraphiQL to a browser from local assets', async () => {
      const page = await fetch(`${gateway.listeners.graphql.url}/graphql`, {
        headers: { accept: 'text/html' },
      });
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('/graphql/assets/graphiql.min.js');
      expect(html).not.toMatch(/src="https?:/);
      for (const asset of [
        'graphiql.min.js',
        'graphiql.min.css',
        'react.production.min.js',
        'react-dom.production.min.js',
      ]) {
        const response = await fetch(`${gateway.listeners.graphql.url}/graphql/assets/${asset}`);
        expect(response.status).toBe(200);
        expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(1000);
      }
    });

    it('answers introspection in development', async () => {
      const { body } = await graphql(gateway, '{ __schema { queryType { name } } }');
      expect(body.data.__schema.queryType.name).toBe('Query');
    });

    it('answers malformed JSON and non-JSON posts to /graphql with 400', async () => {
      const malformed = await fetch(`${gateway.listeners.graphql.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query": ',
      });
      expect(malformed.status).toBe(400);
      expect((await jsonOf(malformed)).errors[0].extensions.code).toBe('BAD_REQUEST');
      const text = await fetch(`${gateway.listeners.graphql.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: '{ me { id } }',
      });
      expect(text.status).toBe(400);
    });

    it('is ready when its subgraphs are', async () => {
      const response = await fetch(`${gateway.listeners.serelo.url}/readyz`);
      expect(await jsonOf(response)).toEqual({
        status: 'ready',
        service: 'serelo',
        checks: { identity: 'up', crm: 'up', content: 'up', commerce: 'up' },
      });
    });
  });

  describe('limits shared by two gateway instances', () => {
    let second: Gateway;
    let third: Gateway;
    const limits = JSON.stringify({ 'serelo.general': [{ limit: 4, windowMs: 3_600_000 }] });

    beforeAll(async () => {
      // Two instances on one counter database; the first gateway of this file has its own.
      const env = gatewayEnv(subgraphs, { RATE_LIMIT_OVERRIDES: limits });
      second = await startTestGateway(env);
      third = await startTestGateway({ ...env, GATEWAY_PORT: '0' });
    });
    afterAll(async () => {
      await second?.close();
      await third?.close();
    });

    it('counts requests to either instance against the same limit', async () => {
      await withinOneWindow(3_600_000, 10_000);
      const remaining: string[] = [];
      let lastStatus = 0;
      let lastBody: unknown;
      for (let i = 0; i < 5; i++) {
        const instance = i % 2 ? third : second;
        const response = await fetch(`${instance.listeners.serelo.url}/api/v1/users/me`, {
          headers: bearer(),
        });
        remaining.push(response.headers.get('x-ratelimit-remaining') ?? '');
        lastStatus = response.status;
        lastBody = await jsonOf(response);
      }
      expect(remaining.slice(0, 4)).toEqual(['3', '2', '1', '0']);
      expect(lastStatus).toBe(429);
      expect(lastBody).toEqual({
        detail: { code: 'RATE_LIMIT_EXCEEDED', message: expect.any(String), retry_after: expect.any(Number) },
      });
    });
  });

  it('still answers 429 to a read that ran ahead of its count when another instance used up the limit', async () => {
    const env = gatewayEnv(subgraphs, {
      RATE_LIMIT_OVERRIDES: JSON.stringify({ 'serelo.general': [{ limit: 20, windowMs: 3_600_000 }] }),
    });
    const a = await startTestGateway(env);
    const b = await startTestGateway(env);
    try {
      const me = (g: Gateway) => fetch(`${g.listeners.serelo.url}/api/v1/users/me`, { headers: bearer() });
      await withinOneWindow(3_600_000, 30_000);
      expect((await me(a)).headers.get('x-ratelimit-remaining')).toBe('19'); // a now believes it is far from the limit
      for (let i = 0; i < 19; i++) expect((await me(b)).status).toBe(200);
      const late = await me(a);
      expect(late.status).toBe(429);
      expect((await jsonOf(late)).detail.code).toBe('RATE_LIMIT_EXCEEDED');
    } finally {
      await a.close();
      await b.close();
    }
  });

  describe('limits of /graphql', () => {
    let limited: Gateway;
    beforeAll(async () => {
      limited = await startTestGateway(
        gatewayEnv(subgraphs, {
          RATE_LIMIT_OVERRIDES: JSON.stringify({
            'credential.login.ip': [{ limit: 2, windowMs: 60_000 }],
            'graphql.general': [{ limit: 50, windowMs: 60_000 }],
          }),
        }),
      );
    });
    afterAll(() => limited?.close());

    const login = (password: string) =>
      graphql(
        limited,
        'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
        {
          e: user.email,
          p: password,
        },
      );

    it('stops password guessing through the graph: credential mutations per IP, 429 with Retry-After', async () => {
      await withinOneWindow(60_000, 10_000);
      const first = await login('Wrong-guess-1!');
      expect(first.status).toBe(200);
      expect(first.body.errors?.[0]?.extensions?.code).toBeDefined();
      expect(first.headers.get('x-ratelimit-limit')).toBe('2');
      expect((await login('Wrong-guess-2!')).status).toBe(200);
      const blocked = await login(STRONG_PASSWORD);
      expect(blocked.status).toBe(429);
      expect(blocked.body).toEqual({
        errors: [
          {
            message: expect.stringMatching(/Try again in \d+ seconds/),
            extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
          },
        ],
      });
      expect(blocked.headers.get('retry-after')).toBe(String(blocked.body.errors![0].extensions.retryAfter));
      expect(blocked.headers.get('x-ratelimit-remaining')).toBe('0');
      // other operations of the same client are not credential calls
      const me = await graphql(limited, '{ me { id } }', {}, bearer());
      expect(me.status).toBe(200);
      expect(me.body.data.me.id).toBe(user.userId);
    });

    it('refuses several credential mutations in one request, so aliases cannot multiply guesses', async () => {
      const { status, body } = await graphql(
        limited,
        `
          mutation {
            a: login(email: "x@example.com", password: "1") {
              accessToken
            }
            b: login(email: "x@example.com", password: "2") {
              accessToken
            }
          }
        `,
      );
      expect(status).toBe(400);
      expect(body.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' } });
    });

    it('counts every request per caller and advertises what is left', async () => {
      await withinOneWindow(60_000, 5_000);
      const first = await graphql(limited, '{ me { id } }', {}, bearer());
      const second = await graphql(limited, '{ me { id } }', {}, bearer());
      expect(first.headers.get('x-ratelimit-limit')).toBe('50');
      expect(Number(second.headers.get('x-ratelimit-remaining'))).toBeLessThan(
        Number(first.headers.get('x-ratelimit-remaining')),
      );
    });

    it('answers 429 once over the limit, also to reads that ran ahead of their count', async () => {
      await withinOneWindow(60_000, 20_000);
      const statuses: number[] = [];
      for (let i = 0; i < 60 && !statuses.includes(429); i++)
        statuses.push((await graphql(limited, '{ me { id } }', {}, bearer())).status);
      expect(statuses.at(-1)).toBe(429);
      expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(50);
    });
  });

  it('lets requests through, with a logged warning, when the limiter is down', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'gateway',
      'warn',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const degraded = await startTestGateway(
      gatewayEnv(subgraphs, { DATABASE_URL: 'postgres://postgres:postgres@127.0.0.1:1/postgres' }),
      { logger },
    );
    try {
      const response = await fetch(`${degraded.listeners.serelo.url}/api/v1/users/me`, { headers: bearer() });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
      expect(lines.join('')).toMatch(/rate limiter unavailable/);
    } finally {
      await degraded.close();
    }
  });

  it('writes one access-log line per request, with no query string or credential in it', async () => {
    const lines: string[] = [];
    const logger = createLogger(
      'gateway',
      'info',
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const logged = await startTestGateway(gatewayEnv(subgraphs), { logger });
    try {
      const response = await fetch(`${logged.listeners.serelo.url}/api/v1/users/me?code=secret-code`, {
        headers: { ...bearer(), 'x-request-id': 'access-log-1' },
      });
      expect(response.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const access = lines
        .map((l) => JSON.parse(l))
        .filter((l) => l.msg === 'request' && l.reqId === 'access-log-1');
      expect(access).toHaveLength(1);
      expect(access[0]).toMatchObject({
        method: 'GET',
        path: '/api/v1/users/me',
        status: 200,
        caller: user.userId,
        listener: 'serelo',
      });
      expect(lines.join('')).not.toContain('secret-code');
      expect(lines.join('')).not.toContain(user.accessToken);
    } finally {
      await logged.close();
    }
  });
});
