import type { ServerResponse } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { createLogger, type Caller } from '@seren/service-kit';
import { Authenticator } from './authenticate';

// Contract test of the gateway's client of identity's GET /internal/revocations (server-sent
// events). A tiny server plays identity: it answers /internal/authenticate and pushes notices.
const caller = (subject: string): Caller => ({
  subject,
  kind: 'user',
  organizationId: 'org_1',
  scopes: [],
  permissions: [],
  via: 'api_key',
});

describe('revocation feed client (contract test)', () => {
  let identity: FastifyInstance;
  let url: string;
  const streams: ServerResponse[] = [];
  const valid = new Map<string, Caller>();
  let lookups = 0;
  const dispatcher = new Agent({ connections: 4 });

  beforeAll(async () => {
    identity = Fastify();
    identity.post('/internal/authenticate', async (request, reply) => {
      lookups++;
      const found = valid.get((request.body as { credential: string }).credential);
      return found ? { caller: found } : reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'no' });
    });
    identity.get('/internal/revocations', (_request, reply) => {
      reply.hijack();
      reply.raw.writeHead(200, { 'content-type': 'text/event-stream' });
      reply.raw.write(': listening\n\n');
      streams.push(reply.raw);
    });
    url = await identity.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    for (const stream of streams) stream.destroy();
    await identity.close();
    await dispatcher.close();
  });

  const until = async (check: () => boolean) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > 3_000) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const push = (text: string) => streams.at(-1)!.write(text);
  /** Whether the client has read `: listening` (each one bumps its generation). */
  const listened = (authenticator: Authenticator) =>
    (authenticator as unknown as { generation: number }).generation > 0;

  /** An authenticator watching the feed, once it has read `: listening`; `before`: the streams until then. */
  const watching = async () => {
    const authenticator = new Authenticator({
      identityUrl: url,
      internalTokenSecret: 'a-test-secret-that-is-long-enough-0123456789',
      ttlMs: 5_000,
      maxEntries: 100,
      dispatcher,
      logger: createLogger('test', 'silent'),
    });
    const before = streams.length;
    authenticator.watchRevocations();
    try {
      await until(() => streams.length === before + 1);
      await until(() => listened(authenticator)); // the client has read `: listening`
    } catch (error) {
      authenticator.close();
      throw error;
    }
    const cache = (authenticator as unknown as { cache: Map<string, unknown> }).cache;
    return { authenticator, before, cache };
  };

  it('drops the cached answers of the user a notice names, and only theirs; a reset drops them all', async () => {
    valid.set('seren_alice', caller('alice'));
    valid.set('seren_alice2', caller('alice'));
    valid.set('seren_bob', caller('bob'));
    const { authenticator, cache } = await watching();
    try {
      for (const key of ['seren_alice', 'seren_alice2', 'seren_bob'])
        expect((await authenticator.authenticate(key, 'api_key')).ok).toBe(true);
      const cached = lookups;
      // identity revokes alice's key: the notice arrives, both her entries go, bob's stays
      valid.delete('seren_alice');
      push('data: {"userId":"alice","reason":"ApiKeyRevoked"}\n\n');
      await until(() => authenticator.revoked === 1);
      expect((await authenticator.authenticate('seren_alice', 'api_key')).ok).toBe(false);
      expect((await authenticator.authenticate('seren_alice2', 'api_key')).ok).toBe(true);
      expect((await authenticator.authenticate('seren_bob', 'api_key')).ok).toBe(true);
      expect(lookups).toBe(cached + 2); // alice's two keys asked again, bob's answer reused
      // pings and unreadable data change nothing; a reset empties the cache
      push(': ping\n\ndata: not json\n\n');
      push('event: reset\ndata: {}\n\n');
      await until(() => cache.size === 0);
    } finally {
      authenticator.close();
    }
  });

  it('drops the answers of an uninstalled install or revoked PIT (credentialId) and of a removed app (appId)', async () => {
    const bound = (credentialId: string, appId: string): Caller => ({
      ...caller('dave'),
      via: 'oauth',
      credentialId,
      appId,
    });
    valid.set('token_install_1', bound('install_1', 'app_1'));
    valid.set('token_install_2', bound('install_2', 'app_1'));
    valid.set('token_install_3', bound('install_3', 'app_2'));
    const { authenticator, cache } = await watching();
    try {
      for (const token of ['token_install_1', 'token_install_2', 'token_install_3'])
        expect((await authenticator.authenticate(token, 'bearer')).ok).toBe(true);
      expect(cache.size).toBe(3);
      push('data: {"installId":"install_1","reason":"MarketplaceAppUninstalled"}\n\n');
      await until(() => cache.size === 2);
      push('data: {"appId":"app_1","reason":"AppDeleted"}\n\n');
      await until(() => cache.size === 1);
      // the one left is app_2's
      valid.delete('token_install_3');
      expect((await authenticator.authenticate('token_install_3', 'bearer')).ok).toBe(true);
    } finally {
      authenticator.close();
    }
  });

  it('reconnects after the stream ends, dropping the cache (notices may have been missed)', async () => {
    valid.set('seren_carol', caller('carol'));
    const { authenticator, before, cache } = await watching();
    try {
      expect((await authenticator.authenticate('seren_carol', 'api_key')).ok).toBe(true);
      expect(cache.size).toBe(1);
      streams.at(-1)!.end(); // identity restarts
      await until(() => streams.length === before + 2);
      await until(() => cache.size === 0);
    } finally {
      authenticator.close();
    }
  });
});
