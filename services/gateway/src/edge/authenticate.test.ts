import Fastify, { type FastifyInstance } from 'fastify';
import { Agent } from 'undici';
import { createLogger, verifyInternalToken, type Caller } from '@seren/service-kit';
import { Authenticator, bearerOf, IdentityUnavailable } from './authenticate';

// Contract test of the gateway's client of identity's POST /internal/authenticate. A tiny fastify
// server plays identity's side of the agreed contract (the real identity is exercised by the
// gateway's integration tests); it lets the test revoke a credential and count lookups.
const secret = 'a-test-secret-that-is-long-enough-0123456789';
const alice: Caller = {
  subject: 'user_alice',
  kind: 'user',
  organizationId: 'org_1',
  scopes: [],
  permissions: ['org.read'],
  via: 'api_key',
};

describe('identity authentication client (contract test)', () => {
  let identity: FastifyInstance;
  let url: string;
  const valid = new Map<string, Caller>([['seren_alicekey', alice]]);
  const received: Array<{ credential: string; scheme: string }> = [];
  let failWith: number | undefined;
  const dispatcher = new Agent({ connections: 4 });

  beforeAll(async () => {
    identity = Fastify();
    identity.post('/internal/authenticate', async (request, reply) => {
      const body = request.body as { credential: string; scheme: string; locationId?: string };
      received.push(body);
      if (failWith) return reply.status(failWith).send({ code: 'INTERNAL', message: 'boom' });
      if (body.locationId !== undefined) {
        // the agency key of org_1 owns loc_1 only
        if (body.credential !== 'seren_alicekey' || body.locationId !== 'loc_1')
          return reply.status(403).send({ code: 'FORBIDDEN', message: 'no access to this location' });
        return { caller: { ...alice, organizationId: 'loc_1', resourceId: 'org_1' } };
      }
      if (body.credential === 'expired.jwt.token') {
        return reply
          .status(401)
          .send({ code: 'UNAUTHENTICATED', message: 'token expired', reason: 'TOKEN_EXPIRED' });
      }
      const caller = valid.get(body.credential);
      if (!caller) return reply.status(401).send({ code: 'UNAUTHENTICATED', message: 'invalid API key' });
      return { caller };
    });
    url = await identity.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await identity.close();
    await dispatcher.close();
  });
  beforeEach(() => {
    received.length = 0;
    failWith = undefined;
  });

  const client = (now: () => number, ttlMs = 5_000) =>
    new Authenticator({
      identityUrl: url,
      internalTokenSecret: secret,
      ttlMs,
      maxEntries: 100,
      dispatcher,
      logger: createLogger('test', 'silent'),
      now,
    });

  it('asks identity once per credential and signs the caller into an internal token', async () => {
    const authenticator = client(Date.now);
    const [first, second] = await Promise.all([
      authenticator.authenticate('seren_alicekey', 'api_key'),
      authenticator.authenticate('seren_alicekey', 'api_key'),
    ]);
    await authenticator.authenticate('seren_alicekey', 'api_key');
    expect(received).toEqual([{ credential: 'seren_alicekey', scheme: 'api_key' }]);
    expect(first).toEqual(second);
    if (!first.ok) throw new Error('refused');
    expect(first.caller).toEqual(alice);
    await expect(verifyInternalToken(first.internalToken, secret)).resolves.toMatchObject({
      subject: 'user_alice',
      organizationId: 'org_1',
    });
  });

  it('stops accepting a revoked credential once the 5 s cache entry expires', async () => {
    let now = 1_000_000;
    const authenticator = client(() => now);
    const bob: Caller = { ...alice, subject: 'user_bob' };
    valid.set('seren_bobkey', bob);
    expect((await authenticator.authenticate('seren_bobkey', 'api_key')).ok).toBe(true);
    valid.delete('seren_bobkey'); // revoked at identity
    now += 4_999;
    expect((await authenticator.authenticate('seren_bobkey', 'api_key')).ok).toBe(true);
    now += 2;
    expect(await authenticator.authenticate('seren_bobkey', 'api_key')).toEqual({
      ok: false,
      status: 401,
      message: 'invalid API key',
      errorCode: undefined,
    });
    expect(received).toHaveLength(2);
  });

  it('asks for a caller in a location once per credential and location; a 403 is a refusal of its own', async () => {
    const authenticator = client(Date.now);
    const located = await authenticator.authenticate('seren_alicekey', 'api_key', 'loc_1');
    await authenticator.authenticate('seren_alicekey', 'api_key', 'loc_1');
    expect(received).toEqual([{ credential: 'seren_alicekey', scheme: 'api_key', locationId: 'loc_1' }]);
    if (!located.ok) throw new Error('refused');
    expect(located.caller).toMatchObject({ organizationId: 'loc_1', resourceId: 'org_1' });
    await expect(verifyInternalToken(located.internalToken, secret)).resolves.toMatchObject({
      organizationId: 'loc_1',
      resourceId: 'org_1',
    });
    // the same credential without a location is another entry
    const plain = await authenticator.authenticate('seren_alicekey', 'api_key');
    expect(plain.ok && plain.caller.organizationId).toBe('org_1');
    expect(await authenticator.authenticate('seren_alicekey', 'api_key', 'loc_2')).toEqual({
      ok: false,
      status: 403,
      message: 'no access to this location',
      errorCode: undefined,
    });
  });

  it("keeps identity's refusal reason", async () => {
    const authenticator = client(Date.now);
    expect(await authenticator.authenticate('expired.jwt.token', 'bearer')).toEqual({
      ok: false,
      status: 401,
      message: 'token expired',
      errorCode: 'TOKEN_EXPIRED',
    });
  });

  it('keys its cache by a hash, never by the secret itself', async () => {
    const authenticator = client(Date.now);
    await authenticator.authenticate('seren_alicekey', 'api_key');
    const keys = [...(authenticator as unknown as { cache: Map<string, unknown> }).cache.keys()];
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toContain('alicekey');
  });

  it('tells an identity outage apart from a refusal, and does not cache it', async () => {
    const authenticator = client(Date.now);
    failWith = 503;
    await expect(authenticator.authenticate('seren_alicekey', 'api_key')).rejects.toBeInstanceOf(
      IdentityUnavailable,
    );
    failWith = undefined;
    expect((await authenticator.authenticate('seren_alicekey', 'api_key')).ok).toBe(true);

    const unreachable = new Authenticator({
      identityUrl: 'http://127.0.0.1:1',
      internalTokenSecret: secret,
      ttlMs: 5_000,
      maxEntries: 10,
      dispatcher,
      logger: createLogger('test', 'silent'),
    });
    await expect(unreachable.authenticate('seren_alicekey', 'api_key')).rejects.toBeInstanceOf(
      IdentityUnavailable,
    );
  });

  it('reads only `Authorization: Bearer <credential>`', () => {
    expect(bearerOf('Bearer abc.def')).toBe('abc.def');
    expect(bearerOf('bearer  key123 ')).toBe('key123');
    expect(bearerOf('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerOf(undefined)).toBeUndefined();
  });
});
