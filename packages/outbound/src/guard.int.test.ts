import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkOutboundUrl, outboundFetch, OutboundRefused } from './guard';
import { outboundPolicy } from './policy';

// Against a real HTTP server on loopback: what is refused without permission, and what the guard
// does once loopback is allowed (no redirect followed, a timeout).

let server: Server;
let port: number;

beforeAll(async () => {
  server = createServer((request, response) => {
    if (request.url === '/redirect') {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
    } else if (request.url === '/slow') {
      setTimeout(() => response.end('late'), 2_000).unref();
    } else {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => response.end(JSON.stringify({ method: request.method, body })));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (error: unknown) => {
      expect(error).toBeInstanceOf(OutboundRefused);
      return error as OutboundRefused;
    },
  );

describe('checkOutboundUrl', () => {
  const none = outboundPolicy();

  it('refuses literal and resolved private addresses, and names no resolver knows', async () => {
    expect((await refusal(checkOutboundUrl(`http://127.0.0.1:${port}/`, none))).reason).toBe('PRIVATE_ADDRESS');
    expect((await refusal(checkOutboundUrl('http://[::ffff:169.254.169.254]/', none))).reason).toBe(
      'PRIVATE_ADDRESS',
    );
    expect((await refusal(checkOutboundUrl(`http://localhost:${port}/`, none))).reason).toBe('PRIVATE_ADDRESS');
    expect((await refusal(checkOutboundUrl('https://no-such-host.invalid/', none))).reason).toBe('UNRESOLVABLE');
  });

  it('refuses what is not an http(s) URL without a user name, naming the field', async () => {
    const bad = await refusal(checkOutboundUrl('ftp://example.com/', none, { field: 'api_url' }));
    expect(bad.reason).toBe('BAD_URL');
    expect(bad.message).toBe('api_url must use http or https');
    expect((await refusal(checkOutboundUrl('https://user:pw@example.com/', none))).reason).toBe('BAD_URL');
    expect((await refusal(checkOutboundUrl('not a url', none))).reason).toBe('BAD_URL');
  });

  it('accepts loopback when the policy allows it', async () => {
    const url = await checkOutboundUrl(`http://localhost:${port}/x`, outboundPolicy(['127.0.0.0/8', '::1']));
    expect(url.pathname).toBe('/x');
  });
});

describe('outboundFetch', () => {
  it('refuses a private address at connect time, for a literal and for a name', async () => {
    const none = outboundPolicy();
    await refusal(outboundFetch(`http://127.0.0.1:${port}/`, {}, none));
    // the name is only resolved when the socket connects: the check a rebinding name meets
    const byName = await refusal(outboundFetch(`http://localhost:${port}/`, {}, none));
    expect(byName.reason).toBe('PRIVATE_ADDRESS');
  });

  it('sends when allowed, does not follow a redirect, and gives up after its timeout', async () => {
    const loopback = outboundPolicy(['127.0.0.0/8', '::1']);
    const answer = await outboundFetch(
      `http://localhost:${port}/echo`,
      { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } },
      loopback,
    );
    expect(await answer.json()).toEqual({ method: 'POST', body: 'hello' });

    const redirect = await outboundFetch(`http://127.0.0.1:${port}/redirect`, {}, loopback);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('http://169.254.169.254/latest/meta-data/');

    await expect(outboundFetch(`http://127.0.0.1:${port}/slow`, { timeoutMs: 200 }, loopback)).rejects.toThrow(
      /abort|timeout/i,
    );
  });
});
