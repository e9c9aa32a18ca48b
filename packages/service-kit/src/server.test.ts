import { Writable } from 'node:stream';
import gql from 'graphql-tag';
import { signInternalToken } from './caller';
import { forbidden } from './errors';
import { createLogger } from './logger';
import { startService, type RequestContext, type RunningService } from './server';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('service bootstrap', () => {
  let service: RunningService;
  let databaseUp = true;

  beforeAll(async () => {
    service = await startService({
      name: 'example',
      logger: createLogger('example', 'silent'),
      host: '127.0.0.1',
      port: 0,
      internalTokenSecret: secret,
      graphql: {
        typeDefs: gql`
          type Query {
            whoami: String
            secretThing: String
          }
        `,
        resolvers: {
          Query: {
            whoami: (_: unknown, __: unknown, context: RequestContext) =>
              context.caller.subject ?? 'anonymous',
            secretThing: () => {
              throw forbidden('not yours');
            },
          },
        },
      },
      readiness: [
        {
          name: 'postgres',
          check: async () => {
            if (!databaseUp) throw new Error('connection refused');
          },
        },
      ],
    });
  });
  afterAll(() => service.close());

  it('answers liveness', async () => {
    const response = await fetch(`${service.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'example' });
  });

  it('is ready only while its dependencies are up', async () => {
    databaseUp = true;
    const ready = await fetch(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    databaseUp = false;
    const notReady = await fetch(`${service.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ checks: { postgres: 'down: connection refused' } });
    databaseUp = true;
  });

  it('echoes the request id and serves the subgraph with the caller from the internal token', async () => {
    const token = await signInternalToken(
      { subject: 'user_7', kind: 'user', scopes: [], permissions: [] },
      secret,
    );
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': token, 'x-request-id': 'req-123' },
      body: JSON.stringify({ query: '{ whoami _service { sdl } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('req-123');
    const body = (await response.json()) as { data: { whoami: string; _service: { sdl: string } } };
    expect(body.data.whoami).toBe('user_7');
    expect(body.data._service.sdl).toContain('whoami');
  });

  it('maps domain errors to extensions.code', async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ secretThing }' }),
    });
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors[0]).toMatchObject({ message: 'not yours', extensions: { code: 'FORBIDDEN' } });
  });

  it('refuses a forged internal token', async () => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-internal-token': 'forged.token.value' },
      body: JSON.stringify({ query: '{ whoami }' }),
    });
    expect(response.status).toBe(401);
  });
});

describe('request log lines', () => {
  const lines: string[] = [];
  let service: RunningService;

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    service = await startService({
      name: 'example',
      logger: createLogger('example', 'info', stream),
      host: '127.0.0.1',
      port: 0,
      internalTokenSecret: secret,
      readiness: [],
      routes: async (app) => {
        app.get('/internal/callback', async () => ({ ok: true }));
      },
    });
  });
  afterAll(() => service.close());

  it('name the path and never the query string (a token in a query must not reach the log)', async () => {
    const answered = await fetch(
      `${service.url}/internal/callback?code=code-value-1&access_token=token-value-2`,
    );
    expect(answered.status).toBe(200);
    const missing = await fetch(`${service.url}/nowhere?token=token-value-3`);
    expect(missing.status).toBe(404);

    const records = lines.map(
      (line) => JSON.parse(line) as { msg: string; req?: { url: string; method: string } },
    );
    const incoming = records.filter((r) => r.msg === 'incoming request').map((r) => r.req);
    expect(incoming).toEqual([
      expect.objectContaining({ method: 'GET', url: '/internal/callback' }),
      expect.objectContaining({ method: 'GET', url: '/nowhere' }),
    ]);
    expect(records.map((r) => r.msg)).toContain('Route GET:/nowhere not found');
    const text = lines.join('');
    for (const value of ['code-value-1', 'token-value-2', 'token-value-3']) expect(text).not.toContain(value);
  });
});
