import { createLogger } from '@seren/service-kit';
import { corsOriginsOf, loadGatewayConfig } from '../config';
import { createEdgeApp, HostRouter, type EdgeApp } from './server';

describe('an edge listener', () => {
  let edge: EdgeApp;
  let base: string;
  const call = (method: string, path: string, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, { method, headers });

  beforeAll(async () => {
    edge = await createEdgeApp({
      name: 'test',
      logger: createLogger('test', 'silent'),
      hostRouter: new HostRouter(),
      corsOrigins: 'https://console.example',
      readiness: [],
      hstsMaxAgeSeconds: 600,
      trustProxy: true,
      errorBody: (error) => ({ problem: error }),
      notFoundBody: (method, url) => ({ problem: { status: 404, method, url } }),
    });
    edge.app.get('/things/:id', async () => ({ ok: true }));
    edge.app.post('/things/:id', async () => ({ ok: true }));
    edge.app.post('/things/special', async () => ({ ok: true }));
    edge.app.get('/things/', async () => ({ list: true }));
    edge.app.get('/streamed-page', async (_request, reply) =>
      reply.header('content-type', 'text/html').send(Buffer.from('<html><script>go()</script></html>')),
    );
    edge.app.get('/page', async (_request, reply) =>
      reply.header('content-type', 'text/html; charset=utf-8').send('<html><script>go()</script></html>'),
    );
    await edge.app.listen({ host: '127.0.0.1', port: 0 });
    const address = edge.app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => edge.app.close());

  it('answers another method on a known path with 405 and Allow, in its own shape', async () => {
    const response = await call('DELETE', '/things/1');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect(await response.json()).toEqual({
      problem: {
        status: 405,
        code: 'METHOD_NOT_ALLOWED',
        message: expect.stringMatching(/^DELETE is not allowed/),
      },
    });
    expect((await call('DELETE', '/elsewhere')).status).toBe(404);
    // A method fastify would read a body for is answered before any body is looked at.
    const query = await call('QUERY', '/things/1');
    expect(query.status).toBe(405);
    expect(query.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
    expect((await call('QUERY', '/elsewhere')).status).toBe(404);
    // A static path beside a parameter's is listed with its own methods, as documents list it.
    expect((await call('OPTIONS', '/things/special')).headers.get('allow')).toBe('POST, OPTIONS');
  });

  it('answers a trailing slash as its own path, never as a parameter left empty', async () => {
    expect(await (await call('GET', '/things/')).json()).toEqual({ list: true });
    const post = await call('POST', '/things/');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect((await call('GET', '/things/1')).status).toBe(200);
  });

  it('answers the router’s refusals in its own shape: bad percent-encoding 400, long parameter 414', async () => {
    const bad = await call('GET', '/things/%E0%A4%A');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { problem: unknown }).problem).toMatchObject({
      status: 400,
      message: expect.stringMatching(/percent-encoded/),
    });
    expect(bad.headers.get('x-content-type-options')).toBe('nosniff');
    const long = await call('GET', `/things/${'x'.repeat(101)}`);
    expect(long.status).toBe(414);
    expect(((await long.json()) as { problem: unknown }).problem).toMatchObject({ code: 'URI_TOO_LONG' });
  });

  it('sets nosniff and no-store, and a CSP with the inline script’s hash on HTML', async () => {
    const json = await call('GET', '/things/1');
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect(json.headers.get('x-content-type-options')).toBe('nosniff');
    expect(json.headers.get('content-security-policy')).toBeNull();
    const page = await call('GET', '/page');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // sha256("go()") in base64
    expect(page.headers.get('content-security-policy')).toContain(
      "script-src 'self' 'sha256-5KYv+PUboo5h+0+YAtGRPbwv5d/QxzHslP4YGnUaxRw='",
    );
  });

  it('gives an HTML page sent as bytes a CSP without inline scripts', async () => {
    const page = await call('GET', '/streamed-page');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self';/);
  });

  it('sends HSTS only over TLS', async () => {
    const plain = await call('GET', '/things/1');
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    const tls = await call('GET', '/things/1', { 'x-forwarded-proto': 'https' });
    expect(tls.headers.get('strict-transport-security')).toBe('max-age=600; includeSubDomains');
  });

  it('answers preflights of its origins only', async () => {
    const preflight = (origin: string) =>
      call('OPTIONS', '/things/1', { origin, 'access-control-request-method': 'POST' });
    const allowed = await preflight('https://console.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    // what a browser client may read of an answer: x402's payment headers among them
    const answer = await call('GET', '/things/1', { origin: 'https://console.example' });
    expect(answer.headers.get('access-control-expose-headers')?.split(/, */)).toEqual(
      expect.arrayContaining(['x-request-id', 'retry-after', 'payment-required', 'payment-response']),
    );
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(other.status).toBe(204);
    expect(other.headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });
});

describe('CORS origins by default', () => {
  const config = (env: Record<string, string>) => loadGatewayConfig({ ...env });

  it('is the console’s origin outside production, none in production, else CORS_ORIGINS', () => {
    expect(corsOriginsOf(config({ NODE_ENV: 'development' }))).toBe('http://localhost:3000');
    expect(corsOriginsOf(config({ NODE_ENV: 'test', CONSOLE_URL: 'https://console.example/app/' }))).toBe(
      'https://console.example',
    );
    expect(corsOriginsOf(config({ NODE_ENV: 'development', CORS_ORIGINS: 'none' }))).toBeUndefined();
    expect(corsOriginsOf(config({ NODE_ENV: 'development', CORS_ORIGINS: '*' }))).toBe('*');
  });
});
