import { createHash } from 'node:crypto';
import { request as rawRequest } from 'node:http';
import type { Gateway } from '../gateway';
import {
  gatewayEnv,
  graphql,
  jsonOf,
  registerAndLogin,
  startSubgraphs,
  startTestGateway,
  STRONG_PASSWORD,
  uniqueEmail,
} from '../test-support/suite';

// The exact requests of issue 9's "500s on bad strings", "low-level errors" and the Low items on
// headers, CORS, 405 and request ids, against identity and content behind the real gateway.
describe('the edge refuses what it cannot serve, in each product’s shape', () => {
  let subgraphs: Awaited<ReturnType<typeof startSubgraphs>>;
  let gateway: Gateway;
  let user: Awaited<ReturnType<typeof registerAndLogin>>;

  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    gateway = await startTestGateway(
      gatewayEnv(subgraphs, { RATE_LIMITS_ENABLED: 'false', TRUST_PROXY: 'true' }),
    );
    user = await registerAndLogin(gateway);
  });
  afterAll(async () => {
    await gateway?.close();
    await subgraphs?.close();
  });

  /** A request with a JSON text sent as is (so `\ud800` escapes reach the server unchanged). */
  const send = (
    listener: 'serelo' | 'serenai' | 'serebro' | 'graphql',
    method: string,
    path: string,
    options: { json?: string; body?: Buffer; token?: string; headers?: Record<string, string> } = {},
  ) =>
    fetch(`${gateway.listeners[listener].url}${path}`, {
      method,
      headers: {
        ...(options.json !== undefined || options.body ? { 'content-type': 'application/json' } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      body: options.body ?? options.json,
    });

  const sereloError = async (response: Response, status: number, message: RegExp) => {
    expect(response.status).toBe(status);
    const body = await jsonOf(response);
    expect(Object.keys(body)).toEqual(['detail']);
    expect(body.detail).toEqual({ code: expect.any(String), message: expect.stringMatching(message) });
    return body.detail as { code: string; message: string };
  };
  const serenaiError = async (response: Response, status: number, message: RegExp) => {
    expect(response.status).toBe(status);
    const body = await jsonOf(response);
    expect(body).toEqual({ error: expect.any(String), message: expect.stringMatching(message) });
    return body as { error: string; message: string };
  };

  describe('a NUL or a lone surrogate in any string is a 400 naming the field', () => {
    it('Serelo login: a NUL in the email, without signing in', async () => {
      const detail = await sereloError(
        await send('serelo', 'POST', '/api/v1/auth/login', {
          json: '{"email":"a\\u0000@example.com","password":"x"}',
        }),
        400,
        /^body\.email must not contain a NUL/,
      );
      expect(detail.code).toBe('VALIDATION_ERROR');
    });

    it('Serelo register: a lone surrogate in the name', async () => {
      const json = `{"email":"${uniqueEmail()}","password":"${STRONG_PASSWORD}","name":"a\\ud800b"}`;
      await sereloError(
        await send('serelo', 'POST', '/api/v1/auth/register', { json }),
        400,
        /^body\.name must not contain a lone surrogate/,
      );
    });

    it('Serelo PATCH /users/me: a NUL in the name', async () => {
      await sereloError(
        await send('serelo', 'PATCH', '/api/v1/users/me', {
          json: '{"name":"a\\u0000b"}',
          token: user.accessToken,
        }),
        400,
        /^body\.name must not contain a NUL/,
      );
    });

    it('SerenAI: API key, role and member-role names, a key id in the path, an audit-log filter', async () => {
      const token = user.accessToken;
      const cases: Array<[string, string, string | undefined, RegExp]> = [
        [
          'POST',
          '/organizations/default/api-keys',
          '{"name":"a\\u0000b"}',
          /^body\.name must not contain a NUL/,
        ],
        [
          'POST',
          '/organizations/default/roles',
          '{"name":"a\\u0000b","permissions":[]}',
          /^body\.name must not contain a NUL/,
        ],
        [
          'PATCH',
          '/organizations/default/roles/some-role',
          '{"name":"x\\ud800"}',
          /^body\.name must not contain a lone surrogate/,
        ],
        [
          'PUT',
          `/organizations/default/members/${user.userId}/role`,
          '{"role_name":"x\\u0000"}',
          /^body\.role_name must not contain a NUL/,
        ],
        [
          'DELETE',
          '/organizations/default/api-keys/a%00b',
          undefined,
          /^params\.key_id must not contain a NUL/,
        ],
        [
          'GET',
          '/organizations/default/audit-logs?action=a%00b',
          undefined,
          /^query\.action must not contain a NUL/,
        ],
      ];
      for (const [method, path, json, message] of cases) {
        const body = await serenaiError(await send('serenai', method, path, { json, token }), 400, message);
        expect(body.error).toBe('VALIDATION_ERROR');
      }
    });

    it('names refuse control characters and bidirectional overrides, over REST and GraphQL', async () => {
      const register = `{"email":"${uniqueEmail()}","password":"${STRONG_PASSWORD}","name":"invoice\\u202Efdp.exe"}`;
      await sereloError(
        await send('serelo', 'POST', '/api/v1/auth/register', { json: register }),
        400,
        /name must not contain bidirectional/,
      );
      await serenaiError(
        await send('serenai', 'POST', '/organizations/default/api-keys', {
          json: '{"name":"bell\\u0007"}',
          token: user.accessToken,
        }),
        400,
        /name must not contain control characters/,
      );
      const graph = await graphql(
        gateway,
        'mutation ($e: String!, $p: String!, $n: String!) { register(email: $e, password: $p, name: $n) { id } }',
        { e: uniqueEmail(), p: STRONG_PASSWORD, n: 'two\nlines' },
      );
      expect(graph.body.errors![0]).toMatchObject({
        message: expect.stringMatching(/name must not contain control characters/),
        extensions: { code: 'VALIDATION_ERROR' },
      });
    });

    it('a NUL deep in a body, or in a key, is found too', async () => {
      await sereloError(
        await send('serelo', 'POST', '/api/v1/auth/login', {
          json: '{"email":"a@example.com","password":"x","extra":{"list":[{"k\\u0000":1}]}}',
        }),
        400,
        /^body\.extra\.list\.0\.k\\u0000 key must not contain a NUL/,
      );
    });

    it('a body that is not valid UTF-8 is a 400, not stored as U+FFFD', async () => {
      const body = Buffer.concat([
        Buffer.from(`{"email":"${uniqueEmail()}","password":"${STRONG_PASSWORD}","name":"a`),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('b"}'),
      ]);
      await sereloError(
        await send('serelo', 'POST', '/api/v1/auth/register', { body }),
        400,
        /not valid UTF-8/,
      );
      const graph = await send('graphql', 'POST', '/graphql', { body });
      expect(graph.status).toBe(400);
      expect((await jsonOf(graph)).errors[0]).toMatchObject({
        message: 'body is not valid UTF-8',
        extensions: { code: 'BAD_REQUEST' },
      });
    });

    it('GraphQL at the gateway: in a variable or an inline literal, BAD_USER_INPUT naming it', async () => {
      const viaVariable = await graphql(
        gateway,
        'mutation ($e: String!, $p: String!, $n: String!) { register(email: $e, password: $p, name: $n) { id } }',
        { e: uniqueEmail(), p: STRONG_PASSWORD, n: 'a\u0000b' },
      );
      expect(viaVariable.status).toBe(400);
      expect(viaVariable.body.errors![0]).toMatchObject({
        message: expect.stringMatching(/^Variable "\$n" must not contain a NUL/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      const inline = await graphql(
        gateway,
        // A plain string (not a template, which prettier would reformat as GraphQL and unescape).
        'mutation { login(email: "a\\u0000@example.com", password: "x") { accessToken } }',
      );
      expect(inline.status).toBe(400);
      expect(inline.body.errors![0]).toMatchObject({
        message: expect.stringMatching(/^Argument "email" must not contain a NUL/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });

    it('GraphQL at a subgraph (service-kit): the same, for whoever reaches it', async () => {
      const response = await fetch(`${subgraphs.identity.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          query: 'mutation ($n: String) { updateMe(name: $n) { id } }',
          variables: { n: 'x\ud800' },
        }),
      });
      expect(response.status).toBe(400);
      expect((await jsonOf(response)).errors[0]).toMatchObject({
        message: expect.stringMatching(/^Variable "\$n" must not contain a lone surrogate/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });

  describe('low-level errors in the product’s shape', () => {
    it('a path that is not valid percent-encoding is a 400', async () => {
      const body = await serenaiError(
        await send('serenai', 'GET', '/organizations/default/permissions/check/%E0%A4%A', {
          token: user.accessToken,
        }),
        400,
        /not valid percent-encoded/,
      );
      expect(body.error).toBe('VALIDATION_ERROR');
      // An encoded lone surrogate is not UTF-8 either.
      await sereloError(await send('serelo', 'GET', '/api/v1/users/%ED%A0%80'), 400, /percent-encoded/);
    });

    it('a path parameter over 100 characters is a 414', async () => {
      const response = await send('serenai', 'DELETE', `/organizations/default/api-keys/${'a'.repeat(101)}`, {
        token: user.accessToken,
      });
      const body = await serenaiError(response, 414, /longer than 100/);
      expect(body.error).toBe('URI_TOO_LONG');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-request-id')).toBeTruthy();
    });

    it('headers over 16 KiB are a 431 from the HTTP layer, still in the product’s shape', async () => {
      const answer = await new Promise<{ status: number; body: string; type?: string }>((resolve, reject) => {
        const request = rawRequest(`${gateway.listeners.serelo.url}/api/v1/users/me`, {
          headers: { 'x-padding': 'p'.repeat(17 * 1024) },
        });
        request.on('response', (response) => {
          let body = '';
          response.on('data', (chunk: Buffer) => (body += chunk.toString()));
          response.on('end', () =>
            resolve({ status: response.statusCode!, body, type: response.headers['content-type'] }),
          );
        });
        request.on('error', reject);
        request.end();
      });
      expect(answer.status).toBe(431);
      expect(answer.type).toMatch(/^application\/json/);
      expect(JSON.parse(answer.body)).toEqual({
        detail: { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE', message: expect.any(String) },
      });
    });

    it('a known path with another method is a 405 with Allow', async () => {
      const response = await send('serelo', 'PUT', '/api/v1/auth/login');
      const detail = await sereloError(response, 405, /PUT is not allowed/);
      expect(detail.code).toBe('METHOD_NOT_ALLOWED');
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
      const users = await send('serelo', 'DELETE', '/api/v1/users/me');
      expect(users.status).toBe(405);
      expect(users.headers.get('allow')?.split(', ').sort()).toEqual(['GET', 'HEAD', 'OPTIONS', 'PATCH']);
      const graph = await send('graphql', 'DELETE', '/graphql');
      expect(graph.status).toBe(405);
      expect((await jsonOf(graph)).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
      // An unknown path stays a 404.
      await sereloError(await send('serelo', 'PUT', '/api/v1/nowhere'), 404, /No route/);
    });
  });

  describe('CORS', () => {
    it('answers a preflight from the console (the default origin outside production)', async () => {
      const response = await send('serelo', 'OPTIONS', '/api/v1/auth/login', {
        headers: {
          origin: 'http://localhost:3000',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type, authorization',
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
      expect(response.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    });

    it('gives another origin no CORS headers, and a plain OPTIONS the allowed methods', async () => {
      const response = await send('serelo', 'OPTIONS', '/api/v1/auth/login', {
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(response.status).toBe(204);
      expect(response.headers.get('allow')).toBe('POST, OPTIONS');
    });
  });

  describe('security headers and request ids', () => {
    it('nosniff everywhere; no-store on tokens and authenticated reads', async () => {
      const login = await send('serelo', 'POST', '/api/v1/auth/login', {
        json: JSON.stringify({ email: user.email, password: STRONG_PASSWORD }),
      });
      expect(login.status).toBe(200);
      expect(login.headers.get('cache-control')).toBe('no-store');
      expect(login.headers.get('x-content-type-options')).toBe('nosniff');
      const me = await send('serelo', 'GET', '/api/v1/users/me', { token: user.accessToken });
      expect(me.status).toBe(200);
      expect(me.headers.get('cache-control')).toBe('no-store');
      const graph = await graphql(
        gateway,
        '{ me { id } }',
        {},
        { authorization: `Bearer ${user.accessToken}` },
      );
      expect(graph.headers.get('cache-control')).toBe('no-store');
      expect(graph.headers.get('x-content-type-options')).toBe('nosniff');
      const missing = await send('serenai', 'GET', '/nowhere');
      expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    });

    it('HTML pages get a strict CSP and cannot be framed', async () => {
      for (const [listener, path] of [
        ['graphql', '/graphql'],
        ['serelo', '/api/v1/docs'],
        ['serenai', '/docs'],
      ] as const) {
        const page = await send(listener, 'GET', path, { headers: { accept: 'text/html' } });
        expect(page.status).toBe(200);
        expect(page.headers.get('x-frame-options')).toBe('DENY');
        const csp = page.headers.get('content-security-policy')!;
        expect(csp).toMatch(/default-src 'none'/);
        expect(csp).toMatch(/frame-ancestors 'none'/);
        // The inline script's hash, exactly as a browser computes it over the script's text.
        const inline = /<script>([\s\S]*?)<\/script>/.exec(await page.text())![1]!;
        const hash = createHash('sha256').update(inline).digest('base64');
        expect(csp).toContain(`script-src 'self' 'sha256-${hash}'`);
      }
    });

    it('Strict-Transport-Security only on requests that came over TLS', async () => {
      const plain = await send('serelo', 'GET', '/healthz');
      expect(plain.headers.get('strict-transport-security')).toBeNull();
      const tls = await send('serelo', 'GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
      expect(tls.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    });

    it('echoes a sane X-Request-Id and replaces any other', async () => {
      const kept = await send('serelo', 'GET', '/healthz', { headers: { 'x-request-id': 'client-1.2:3_x' } });
      expect(kept.headers.get('x-request-id')).toBe('client-1.2:3_x');
      for (const bad of ['a b', 'x'.repeat(129), '<script>', 'id\u00e9']) {
        const replaced = await send('serelo', 'GET', '/healthz', {
          headers: { 'x-request-id': encodeURI(bad) },
        });
        const id = replaced.headers.get('x-request-id');
        if (encodeURI(bad) === bad) expect(id).not.toBe(bad);
        expect(id).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      }
    });
  });
});
