import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@seren/service-kit';
import type { Authenticator } from '../../edge/authenticate';
import type { GraphExecutor } from '../../graphql/context';
import { BrandedHosts } from './branded-hosts';

// The edge's half of branded hosts on a real HTTP server: which Hosts are the gateway's own, the
// 404 of an unknown host, and redirects to the default public URL rewritten onto the branded host.
// crm's answers come from a GraphQL executor standing in for the supergraph (crm's own rules are
// tested in crm and through the gateway in domains.int.test.ts).

describe('branded hosts at the edge', () => {
  let server: Server;
  let url: string;
  const asked: string[] = [];
  const graph: GraphExecutor = {
    async execute(_document, variables) {
      asked.push(String(variables.host));
      return variables.host === 'api.brand.test'
        ? { data: { brandedHost: { domain: 'api.brand.test', organizationId: 'agency1', level: 'AGENCY' } } }
        : { data: { brandedHost: null } };
    },
  };
  const hosts = new BrandedHosts({
    graph,
    authenticator: { anonymousToken: async () => 'anonymous' } as unknown as Authenticator,
    logger: createLogger('test', 'silent'),
    ownHosts: ['serebro.example', undefined, ''],
    publicUrl: 'http://localhost:4002',
    ttlMs: 60_000,
  });
  // Serebro's app: answers a redirect to the default URL, or a relative one
  const serebroApp = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/absolute')
      res.writeHead(302, { location: 'http://localhost:4002/v2/oauth/consent/1?x=1' });
    else if (req.url === '/set-header') {
      res.setHeader('Location', 'http://localhost:4002');
      res.writeHead(303);
    } else res.writeHead(302, { location: '/v2/oauth/consent/2' });
    res.end();
  };
  const own = (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200);
    res.end('own');
  };

  beforeAll(async () => {
    const onUnknown = hosts.unknownHostHandler(serebroApp);
    server = createServer((req, res) => {
      if (!onUnknown(req, res)) own(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const get = (host: string, path: string) =>
    new Promise<{ status: number; location?: string; body: string }>((resolve, reject) => {
      const req = request(`${url}${path}`, { headers: { host } }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, location: res.headers.location, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it("takes the gateway's own names, IP addresses and dotless names as its own", () => {
    for (const host of [
      'serebro.example',
      'SEREBRO.example:4002',
      'localhost:4002',
      '127.0.0.1:4002',
      '[::1]:4002',
      'gateway',
      'x.localhost',
      'localhost',
    ])
      expect([host, hosts.isOwnHost(host)]).toEqual([host, true]);
    expect(hosts.isOwnHost('api.brand.test')).toBe(false);
  });

  it("answers an unknown host 404 in Serebro's shape, and asks crm once per host within the TTL", async () => {
    const first = await get('nope.brand.test', '/contacts');
    expect(first.status).toBe(404);
    expect(JSON.parse(first.body)).toEqual({
      statusCode: 404,
      message: 'nope.brand.test is not a verified Serebro domain',
      error: { code: 'NOT_FOUND', message: 'nope.brand.test is not a verified Serebro domain' },
    });
    await get('NOPE.brand.test:8443', '/other');
    expect(asked.filter((h) => h === 'nope.brand.test')).toHaveLength(1);
    expect((await get('localhost', '/x')).body).toBe('own');
  });

  it('rewrites redirects to the default public URL onto the branded host, leaving relative ones', async () => {
    expect(await get('api.brand.test', '/absolute')).toMatchObject({
      status: 302,
      location: 'https://api.brand.test/v2/oauth/consent/1?x=1',
    });
    expect((await get('api.brand.test', '/set-header')).location).toBe('https://api.brand.test');
    expect((await get('api.brand.test', '/relative')).location).toBe('/v2/oauth/consent/2');
  });
});
