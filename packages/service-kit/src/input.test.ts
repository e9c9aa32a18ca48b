import gql from 'graphql-tag';
import { createLogger } from './logger';
import { startService, type RunningService } from './server';

const secret = 'a-test-secret-that-is-long-enough-0123456789';

describe('input every service inherits', () => {
  let service: RunningService;
  const stored: unknown[] = [];

  beforeAll(async () => {
    service = await startService({
      name: 'example',
      logger: createLogger('example', 'silent'),
      host: '127.0.0.1',
      port: 0,
      internalTokenSecret: secret,
      graphql: {
        typeDefs: gql`
          input Profile {
            name: String
            tags: [String!]
          }
          type Query {
            echo(text: String, profile: Profile): String
          }
        `,
        resolvers: { Query: { echo: (_: unknown, args: { text?: string }) => args.text ?? 'profile' } },
      },
      routes: (app) => {
        app.post('/internal/things/:id', async (request) => {
          stored.push(request.body);
          return { ok: true };
        });
      },
      readiness: [],
    });
  });
  afterAll(() => service.close());

  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${service.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as {
        errors?: Array<{ message: string; extensions: { code: string } }>;
        data?: unknown;
      },
    };
  };

  it('refuses a NUL or lone surrogate in a GraphQL variable, at any depth, naming it', async () => {
    const nul = await graphql('query ($t: String) { echo(text: $t) }', { t: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.body.errors![0]).toMatchObject({
      message: expect.stringMatching(/^Variable "\$t" must not contain a NUL/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const deep = await graphql('query ($p: Profile) { echo(profile: $p) }', {
      p: { tags: ['ok', 'x\ud800'] },
    });
    expect(deep.status).toBe(400);
    expect(deep.body.errors![0]!.message).toMatch(
      /^Variable "\$p" at tags\.1 must not contain a lone surrogate/,
    );
  });

  it('refuses one in an inline literal, naming the argument and field', async () => {
    const inline = await graphql('{ echo(profile: { name: "a\\u0000b" }) }');
    expect(inline.status).toBe(400);
    expect(inline.body.errors![0]).toMatchObject({
      message: expect.stringMatching(/^Argument "profile"\.name must not contain a NUL/),
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const raw = await graphql('{ echo(text: "a\u0000b") }'); // the raw character, no escape
    expect(raw.status).toBe(400);
    expect(raw.body.errors![0]!.message).toMatch(/^Argument "text" must not contain a NUL/);
    const fine = await graphql('{ echo(text: "tab\\tand 😀") }');
    expect(fine.body).toEqual({ data: { echo: 'tab\tand 😀' } });
  });

  it('refuses one in an internal route path, query or JSON body before the handler runs', async () => {
    const post = (path: string, body: string) =>
      fetch(`${service.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    for (const [path, body, field] of [
      ['/internal/things/a%00b', '{}', 'params.id'],
      ['/internal/things/x?q=%00', '{}', 'query.q'],
      ['/internal/things/x', '{"a":[{"b":"\\ud800"}]}', 'body.a.0.b'],
    ] as const) {
      const response = await post(path, body);
      expect(response.status).toBe(400);
      const answer = (await response.json()) as { code: string; message: string };
      expect(answer.code).toBe('VALIDATION_ERROR');
      expect(answer.message.startsWith(`${field} must not contain`)).toBe(true);
    }
    expect(stored).toEqual([]);
  });

  it('refuses a JSON body that is not valid UTF-8 instead of storing U+FFFD', async () => {
    const response = await fetch(`${service.url}/internal/things/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xff]), Buffer.from('b"}')]),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/not valid UTF-8/);
    expect(stored).toEqual([]);
  });

  it('keeps a sane x-request-id and replaces anything else', async () => {
    const kept = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'req-1.a:b_c' } });
    expect(kept.headers.get('x-request-id')).toBe('req-1.a:b_c');
    const replaced = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const injected = await fetch(`${service.url}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
    expect(injected.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
