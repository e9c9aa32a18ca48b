import { withinOneWindow } from '@seren/testing';
import { request } from 'undici';
import { z } from 'zod';
import type { Gateway } from '../gateway';
import {
  gatewayEnv,
  graphql,
  registerAndLogin,
  startSubgraphs,
  startTestGateway,
  STRONG_PASSWORD,
  jsonOf,
} from '../test-support/suite';
import { graphql as typed } from './graphql';
import { route as serebroRoute } from './serebro/route';
import { sereloRoutes } from './serelo';
import { route as sereloRoute } from './serelo/route';
import type { ProductRoutes, RouteDefinition } from './types';

// The REST engine against real subgraphs: the product tables below are test rows (the real tables
// have few rows yet), mounted by the same engine, over the real supergraph and identity.
const sereloTable: ProductRoutes<'serelo'> = {
  product: 'serelo',
  implementedSections: [],
  routes: [
    ...sereloRoutes.routes,
    sereloRoute.operation({
      method: 'POST',
      path: '/api/v1/test/profile',
      section: 'test',
      summary: 'rename the caller',
      auth: 'required',
      rateLimit: 'general',
      request: { body: z.object({ name: z.string().min(1).max(100) }) },
      operation: typed('mutation TestRename($name: String) { updateMe(name: $name) { id name } }'),
      variables: ({ body }) => ({ name: body.name }),
      response: {
        status: 200,
        description: 'renamed',
        body: (data) => ({ id: data.updateMe.id, name: data.updateMe.name }),
      },
    }),
    sereloRoute.operation({
      method: 'POST',
      path: '/api/v1/test/login',
      section: 'test',
      summary: 'log in',
      auth: 'none',
      rateLimit: 'login',
      request: { body: z.object({ email: z.string(), password: z.string() }) },
      operation: typed(
        'mutation TestLogin($e: String!, $p: String!) { login(email: $e, password: $p) { accessToken } }',
      ),
      variables: ({ body }) => ({ e: body.email, p: body.password }),
      response: {
        status: 200,
        description: 'tokens',
        body: (data) => ({ access_token: data.login.accessToken }),
      },
      errors: [401], // documented, or the test-mode check answers 500
    }),
    sereloRoute.operation({
      method: 'POST',
      path: '/api/v1/test/forgot',
      section: 'test',
      summary: 'no content',
      auth: 'none',
      rateLimit: 'general',
      request: { body: z.object({ email: z.string() }) },
      operation: typed('mutation TestForgot($e: String!) { forgotPassword(email: $e) }'),
      variables: ({ body }) => ({ e: body.email }),
      response: { status: 204, description: 'sent' },
    }),
    sereloRoute.operation({
      method: 'GET',
      path: '/api/v1/test/broken',
      section: 'test',
      summary: 'an operation the supergraph rejects',
      auth: 'none',
      rateLimit: 'general',
      operation: typed('query TestBroken { noSuchField }'), // types as unknown; the supergraph refuses it
      response: { status: 200, description: 'never' },
    }),
    // Rows that break their own documentation: the test-mode check answers 500.
    sereloRoute.operation({
      method: 'GET',
      path: '/api/v1/test/drift',
      section: 'test',
      summary: 'a body its schema refuses',
      auth: 'required',
      rateLimit: 'general',
      operation: typed('query TestDrift { me { id } }'),
      response: {
        status: 200,
        description: 'an id the schema says starts with documented-',
        schema: z.object({ id: z.string().startsWith('documented-') }),
        body: (data) => ({ id: data.me?.id ?? '' }),
      },
    }),
    sereloRoute.operation({
      method: 'GET',
      path: '/api/v1/test/undocumented',
      section: 'test',
      summary: 'an error status the row does not document',
      auth: 'required',
      rateLimit: 'general',
      operation: typed(
        'query TestUndocumented { role(organizationId: "no-such-org", roleId: "no-such-role") { id } }',
      ),
      response: { status: 200, description: 'never: identity answers 403 or 404, neither documented' },
    }),
    sereloRoute.forward({
      method: 'GET',
      path: '/api/v1/test/jwks',
      section: 'test',
      summary: 'forwarded to identity',
      auth: 'none',
      rateLimit: 'general',
      forward: { service: 'identity', path: '/.well-known/jwks.json' },
      response: { status: 200, description: 'keys' },
    }),
    sereloRoute.forward({
      method: 'POST',
      path: '/api/v1/test/authenticate',
      section: 'test',
      summary: 'forwarded to identity',
      auth: 'none',
      rateLimit: 'general',
      forward: { service: 'identity', path: '/internal/authenticate' },
      response: { status: 200, description: 'caller' },
    }),
  ] as RouteDefinition<'serelo'>[],
};

const serebroTable: ProductRoutes<'serebro'> = {
  product: 'serebro',
  implementedSections: [],
  routes: [
    serebroRoute.operation({
      method: 'GET',
      path: '/test/me',
      section: 'test',
      summary: 'who am I',
      auth: 'required',
      rateLimit: 'api',
      operation: typed('query TestMe { me { id } }'),
      response: { status: 200, description: 'me', body: (data) => ({ id: data.me?.id }) },
    }),
  ] as RouteDefinition<'serebro'>[],
};

const overrides = JSON.stringify({
  'serelo.login': [{ limit: 2, windowMs: 60_000 }],
  'serebro.api': [
    { limit: 3, windowMs: 10_000 },
    { limit: 1000, windowMs: 86_400_000 },
  ],
});

describe('REST engine over the supergraph', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  let gateway: Gateway;
  let user: Awaited<ReturnType<typeof registerAndLogin>>;
  let apiKey: string;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startGateway({
      RATE_LIMIT_OVERRIDES: overrides,
      SERELO_HOST: 'serelo.test',
      CORS_ORIGINS: 'http://console.test',
    });
    user = await registerAndLogin(gateway, 'Grace Hopper');
    const created = await graphql(
      gateway,
      'mutation { createApiKey(organizationId: "default", name: "test") { key } }',
      {},
      { authorization: `Bearer ${user.accessToken}` },
    );
    apiKey = created.body.data.createApiKey.key;
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraphs?.close();
  });

  const startGateway = (env: Record<string, string>) =>
    startTestGateway(gatewayEnv(subgraphs, env), { tables: { serelo: sereloTable, serebro: serebroTable } });
  const call = (product: 'serelo' | 'serebro' | 'serenai', path: string, init: RequestInit = {}) =>
    fetch(`${gateway.listeners[product].url}${path}`, init);
  const json = (body: unknown, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const bearer = () => ({ authorization: `Bearer ${user.accessToken}` });

  it('maps a validated body to variables and the result to the documented body', async () => {
    const response = await call(
      'serelo',
      '/api/v1/test/profile',
      json({ name: 'Grace B. Hopper' }, bearer()),
    );
    expect(response.status).toBe(200);
    expect(await jsonOf(response)).toEqual({ id: user.userId, name: 'Grace B. Hopper' });
    // Read your own write, through the cross-subgraph route.
    const me = await jsonOf(await call('serelo', '/api/v1/users/me', { headers: bearer() }));
    expect(me.name).toBe('Grace B. Hopper');
  });

  it('answers malformed JSON, a wrong content type and an invalid body with 400 in the product shape', async () => {
    const malformed = await call('serelo', '/api/v1/test/profile', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: '{"name": ',
    });
    expect(malformed.status).toBe(400);
    expect(await jsonOf(malformed)).toEqual({
      detail: { code: 'VALIDATION_ERROR', message: 'Malformed JSON body' },
    });

    const wrongType = await call('serelo', '/api/v1/test/profile', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer() },
      body: 'name=x',
    });
    expect(wrongType.status).toBe(400);
    expect((await jsonOf(wrongType)).detail.code).toBe('VALIDATION_ERROR');

    const invalid = await call('serelo', '/api/v1/test/profile', json({ name: 'x'.repeat(101) }, bearer()));
    expect(invalid.status).toBe(400);
    expect((await jsonOf(invalid)).detail).toEqual({
      code: 'VALIDATION_ERROR',
      message: expect.stringContaining('body.name'),
    });
  });

  it("maps a subgraph's domain error to the product's status and code", async () => {
    const response = await call(
      'serelo',
      '/api/v1/test/login',
      json({ email: user.email, password: 'Wrong-password-1!' }),
    );
    expect(response.status).toBe(401);
    expect(await jsonOf(response)).toEqual({
      detail: { code: 'INVALID_CREDENTIALS', message: expect.any(String) },
    });
  });

  it('answers a logged 500 in tests when a row serves what it does not document (OpenAPI cannot drift)', async () => {
    const drift = await call('serelo', '/api/v1/test/drift', { headers: bearer() });
    expect(drift.status).toBe(500);
    expect(await jsonOf(drift)).toEqual({
      detail: {
        code: 'UNDOCUMENTED_RESPONSE',
        message: 'GET /api/v1/test/drift: the body does not match the response schema',
      },
    });
    const undocumented = await call('serelo', '/api/v1/test/undocumented', { headers: bearer() });
    expect(undocumented.status).toBe(500);
    expect((await jsonOf(undocumented)).detail).toEqual({
      code: 'UNDOCUMENTED_RESPONSE',
      message: expect.stringMatching(/^GET \/api\/v1\/test\/undocumented: status 40[34] is not documented/),
    });
  });

  it('limits login per IP and answers 429 with retry_after, Retry-After and the X-RateLimit headers', async () => {
    // The previous test used one of the two attempts of this minute, unless the minute turned since.
    await withinOneWindow(60_000, 10_000);
    let response: Response | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      response = await call(
        'serelo',
        '/api/v1/test/login',
        json({ email: user.email, password: STRONG_PASSWORD }),
      );
      if (response.status === 429) break;
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBe('2');
    }
    expect(response!.status).toBe(429);
    const body = await jsonOf(response!);
    expect(body).toEqual({
      detail: {
        code: 'RATE_LIMIT_EXCEEDED',
        message: expect.stringMatching(/Try again in \d+ seconds/),
        retry_after: expect.any(Number),
      },
    });
    expect(response!.headers.get('retry-after')).toBe(String(body.detail.retry_after));
    expect(response!.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(response!.headers.get('x-ratelimit-reset'))).toBeGreaterThan(Date.now() / 1000);
  });

  it('counts and advertises requests refused before they run: a bad credential, an unreadable body', async () => {
    await withinOneWindow(60_000, 5_000);
    const noToken = await call('serelo', '/api/v1/test/profile', json({ name: 'x' }));
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('x-ratelimit-limit')).toBe('100');
    const badToken = await call(
      'serelo',
      '/api/v1/test/profile',
      json({ name: 'x' }, { authorization: 'Bearer nope' }),
    );
    expect(badToken.status).toBe(401);
    expect(Number(badToken.headers.get('x-ratelimit-remaining'))).toBeLessThan(
      Number(noToken.headers.get('x-ratelimit-remaining')),
    );
    const junk = await call('serelo', '/api/v1/test/profile', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer() },
      body: '{nope',
    });
    expect(junk.status).toBe(400);
    expect(await jsonOf(junk)).toEqual({
      detail: { code: 'VALIDATION_ERROR', message: 'Malformed JSON body' },
    });
    expect(junk.headers.get('x-ratelimit-limit')).toBe('100');
  });

  it('sends no body on 204', async () => {
    const response = await call('serelo', '/api/v1/test/forgot', json({ email: 'nobody@example.com' }));
    expect(response.status).toBe(204);
    expect(await response.text()).toBe('');
  });

  it('hides an internal failure behind a 500 in the product shape', async () => {
    const response = await call('serelo', '/api/v1/test/broken');
    expect(response.status).toBe(500);
    expect(await jsonOf(response)).toEqual({
      detail: { code: 'INTERNAL_ERROR', message: 'Internal server error' },
    });
  });

  it("forwards to the owning service's internal endpoint and renders its errors in the product shape", async () => {
    const keys = await call('serelo', '/api/v1/test/jwks', { headers: { 'x-request-id': 'fwd-1' } });
    expect(keys.status).toBe(200);
    expect(keys.headers.get('x-request-id')).toBe('fwd-1');
    expect((await jsonOf(keys)).keys.length).toBeGreaterThan(0);

    const refused = await call('serelo', '/api/v1/test/authenticate', json({ nothing: true }));
    expect(refused.status).toBe(400);
    expect(await jsonOf(refused)).toEqual({
      detail: { code: 'VALIDATION_ERROR', message: expect.any(String) },
    });
  });

  it('authenticates Serebro v1 with an API key, advertising its five headers; v2 refuses a session token', async () => {
    const v1 = await call('serebro', '/test/me', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(v1.status).toBe(200);
    expect(await jsonOf(v1)).toEqual({ id: user.userId });
    expect(v1.headers.get('x-ratelimit-max')).toBe('3');
    expect(v1.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
    expect(v1.headers.get('x-ratelimit-remaining')).toBe('2');
    expect(v1.headers.get('x-ratelimit-limit-daily')).toBe('1000');
    expect(v1.headers.get('x-ratelimit-daily-remaining')).toBe('999');

    // v2 takes OAuth tokens and PITs (src/rest/serebro/authentication.int.test.ts), not a user's session
    const v2 = await call('serebro', '/v2/test/me', { headers: bearer() });
    expect(v2.status).toBe(401);
    expect(await jsonOf(v2)).toEqual({
      statusCode: 401,
      message: 'API v2 takes an OAuth 2.0 access token or a private integration token',
      error: {
        code: 'UNAUTHENTICATED',
        message: 'API v2 takes an OAuth 2.0 access token or a private integration token',
      },
    });
  });

  it('answers Serebro burst overruns with 429 in its error shape', async () => {
    await withinOneWindow(10_000, 3_000);
    let last: Response | undefined;
    for (let i = 0; i < 4; i++)
      last = await call('serebro', '/test/me', { headers: { authorization: `Bearer ${apiKey}` } });
    expect(last!.status).toBe(429);
    expect(await jsonOf(last!)).toEqual({
      statusCode: 429,
      message: expect.any(String),
      error: { code: 'RATE_LIMITED', message: expect.any(String) },
    });
    expect(last!.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('answers unknown routes with 404 in each product shape', async () => {
    const serelo = await call('serelo', '/api/v1/nope');
    expect(serelo.status).toBe(404);
    expect(await jsonOf(serelo)).toEqual({
      detail: { code: 'NOT_FOUND', message: 'No route for GET /api/v1/nope' },
    });
    const serebro = await call('serebro', '/v2/nope');
    expect(serebro.status).toBe(404);
    expect(await jsonOf(serebro)).toEqual({
      statusCode: 404,
      message: 'No route for GET /v2/nope',
      error: { code: 'NOT_FOUND', message: 'No route for GET /v2/nope' },
    });
    const serenai = await call('serenai', '/nope', { method: 'DELETE' });
    expect(serenai.status).toBe(404);
    expect(await jsonOf(serenai)).toEqual({ error: 'NOT_FOUND', message: 'No route for DELETE /nope' });
  });

  it('puts a request id on every response, keeping a sane one from the client', async () => {
    const given = await call('serenai', '/nope', { headers: { 'x-request-id': 'client-id-42' } });
    expect(given.headers.get('x-request-id')).toBe('client-id-42');
    const made = await call('serenai', '/nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves a product by its Host header on any gateway port', async () => {
    // fetch() may not set Host; undici's request may.
    const response = await request(`${gateway.listeners.graphql.url}/api/v1/users/me`, {
      headers: { host: 'serelo.test', ...bearer() },
    });
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { subscription_tier: string }).subscription_tier).toBe('free');
  });

  it('answers CORS preflights for the configured origins', async () => {
    const response = await call('serelo', '/api/v1/users/me', {
      method: 'OPTIONS',
      headers: {
        origin: 'http://console.test',
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://console.test');
  });

  it("serves each product's OpenAPI 3.1 document and a docs page from local assets", async () => {
    const serelo = await jsonOf(await call('serelo', '/api/v1/openapi.json'));
    expect(serelo.openapi).toBe('3.1.0');
    expect(serelo.paths['/api/v1/users/me'].get.security).toEqual([{ bearer: [] }]);
    expect(
      serelo.paths['/api/v1/test/profile'].post.requestBody.content['application/json'].schema.properties
        .name,
    ).toMatchObject({
      type: 'string',
      maxLength: 100,
    });
    expect(serelo.paths['/api/v1/users/me'].get.responses['401'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/Error',
    });
    const serebro = await jsonOf(await call('serebro', '/v2/openapi.json'));
    expect(Object.keys(serebro.paths)).toEqual(expect.arrayContaining(['/test/me', '/v2/test/me']));

    const page = await call('serelo', '/api/v1/docs');
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('/api/v1/docs/assets/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\/(?!127)/);
    const asset = await call('serelo', '/api/v1/docs/assets/swagger-ui-bundle.js');
    expect(asset.status).toBe(200);
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
