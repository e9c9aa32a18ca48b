import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { asCaller, graphql } from '@seren/testing';
import { restUser, eventually } from '../../test-support/rest-flows';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';

// Serebro's credentials at the edge, against the real identity and gateway: v2 takes OAuth access
// tokens and private integration tokens (PITs) and checks each row's scope; v1 takes location and
// agency API keys; a location credential reads only its location, an agency credential names one
// of its locations; limits count per app per resource (v2) and per key (v1).

const SCOPE_MESSAGE = 'The token is not authorized for this scope.';
const LOCATION_MESSAGE = 'The token does not have access to this location.';

interface Agency {
  ownerId: string;
  ownerToken: string;
  agencyId: string;
  locations: string[];
}

describe('Serebro authentication, scopes, locations and limits', () => {
  let s: RestSuite;
  let agency: Agency;
  let other: Agency;

  /** identity's subgraph as the owner (the gateway has no say in setting up credentials). */
  const asOwner = async <T>(owner: Agency, query: string, variables: Record<string, unknown>) => {
    const result = await graphql<T>(
      s.identity.url,
      query,
      variables,
      await asCaller({ subject: owner.ownerId, via: 'session' }),
    );
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };
  const pit = async (owner: Agency, organizationId: string, scopes: string[]) => {
    const data = await asOwner<{
      createPrivateIntegration: { token: string; privateIntegration: { id: string } };
    }>(
      owner,
      `mutation($o: ID!, $n: String!, $s: [String!]!) {
        createPrivateIntegration(organizationId: $o, name: $n, scopes: $s) { token privateIntegration { id } }
      }`,
      { o: organizationId, n: `test ${scopes.join(' ')}`, s: scopes },
    );
    return {
      token: data.createPrivateIntegration.token,
      id: data.createPrivateIntegration.privateIntegration.id,
    };
  };
  const apiKey = async (owner: Agency, organizationId: string) => {
    const data = await asOwner<{ createApiKey: { key: string; apiKey: { id: string } } }>(
      owner,
      `mutation($o: ID!) { createApiKey(organizationId: $o, name: "v1 key") { key apiKey { id } } }`,
      { o: organizationId },
    );
    return data.createApiKey.key;
  };
  const newAgency = async (label: string, locations: number): Promise<Agency> => {
    const owner = await restUser(s, label);
    const as = { token: owner.token };
    const created = await s.client.ok<{ createAgency: { id: string } }>(
      `mutation($n: String!) { createAgency(name: $n) { id } }`,
      { n: `${label} agency` },
      as,
    );
    const agencyId = created.createAgency.id;
    const ids: string[] = [];
    for (let i = 0; i < locations; i++) {
      const location = await s.client.ok<{ createLocation: { id: string } }>(
        `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
        { a: agencyId, n: `${label} location ${i + 1}` },
        as,
      );
      ids.push(location.createLocation.id);
    }
    return { ownerId: owner.id, ownerToken: owner.token, agencyId, locations: ids };
  };

  beforeAll(async () => {
    s = await startRestSuite({ rateLimits: true });
    [agency, other] = await Promise.all([newAgency('serebro-a', 2), newAgency('serebro-b', 1)]);
  }, 60_000);
  afterAll(() => s?.close());

  describe('v2', () => {
    it('a PIT with locations:read reads its location, with the five rate-limit headers', async () => {
      const [a] = agency.locations;
      const { token } = await pit(agency, a!, ['locations.readonly']); // HighLevel's name of locations:read
      const r = await s.serebro('GET', `/v2/locations/${a}`, { token });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({
        location: { id: a, companyId: agency.agencyId, name: 'serebro-a location 1' },
      });
      expect(r.headers.get('x-ratelimit-max')).toBe('100');
      expect(r.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
      expect(r.headers.get('x-ratelimit-remaining')).toBe('99');
      expect(r.headers.get('x-ratelimit-limit-daily')).toBe('200000');
      expect(r.headers.get('x-ratelimit-daily-remaining')).toBe('199999');
    });

    it("a token without the row's scope is 401 with HighLevel's message", async () => {
      const [a] = agency.locations;
      const { token } = await pit(agency, a!, ['contacts:read']);
      const r = await s.serebro('GET', `/v2/locations/${a}`, { token });
      expect(r.status).toBe(401);
      expect(r.body).toEqual({
        statusCode: 401,
        message: SCOPE_MESSAGE,
        error: { code: 'UNAUTHORIZED_SCOPE', message: SCOPE_MESSAGE, scope: 'locations:read' },
      });
    });

    it("a location's token on another location is 403, whether that location exists or not", async () => {
      const [a, b] = agency.locations;
      const { token } = await pit(agency, a!, ['locations:read']);
      for (const elsewhere of [b, other.locations[0], 'no-such-location']) {
        const r = await s.serebro('GET', `/v2/locations/${elsewhere}`, { token });
        expect({ status: r.status, body: r.body }).toEqual({
          status: 403,
          body: {
            statusCode: 403,
            message: LOCATION_MESSAGE,
            error: { code: 'LOCATION_FORBIDDEN', message: LOCATION_MESSAGE },
          },
        });
      }
    });

    it("an agency's token reads each of its locations, not another agency's; its own id is no location", async () => {
      const { token } = await pit(agency, agency.agencyId, ['locations:read']);
      for (const [i, location] of agency.locations.entries()) {
        const r = await s.serebro('GET', `/v2/locations/${location}`, { token });
        expect(r.status).toBe(200);
        expect(r.body.location).toEqual({
          id: location,
          companyId: agency.agencyId,
          name: `serebro-a location ${i + 1}`,
        });
      }
      const foreign = await s.serebro('GET', `/v2/locations/${other.locations[0]}`, { token });
      expect(foreign.status).toBe(403);
      const itself = await s.serebro('GET', `/v2/locations/${agency.agencyId}`, { token });
      expect({ status: itself.status, code: itself.body.error.code }).toEqual({
        status: 404,
        code: 'NOT_FOUND',
      });
    });

    it('refuses v1 API keys and identity session tokens', async () => {
      const [a] = agency.locations;
      const key = await apiKey(agency, a!);
      for (const token of [key, agency.ownerToken]) {
        const r = await s.serebro('GET', `/v2/locations/${a}`, { token });
        expect({ status: r.status, code: r.body.error.code }).toEqual({
          status: 401,
          code: 'UNAUTHENTICATED',
        });
        expect(r.body.error.message).toMatch(/OAuth 2.0 access token or a private integration token/);
      }
    });

    it('refuses OAuth-shaped tokens that are unsigned, signed by a foreign key, or garbage', async () => {
      const [a] = agency.locations;
      const claims = {
        client_id: 'app-client',
        scope: 'locations:read',
        authClass: 'Location',
        locationId: a,
        app_id: 'app',
      };
      const none = new UnsecuredJWT(claims).setSubject(agency.ownerId).setExpirationTime('1h').encode();
      // jose's UnsecuredJWT writes {alg: none}; an at+jwt header makes identity try the OAuth path
      const [, payload] = none.split('.');
      const noneAtJwt = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.`;
      const foreign = await generateKeyPair('ES256');
      const wrongKey = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'not-ours' })
        .setSubject(agency.ownerId)
        .setExpirationTime('1h')
        .sign(foreign.privateKey);
      for (const token of [
        none,
        noneAtJwt,
        wrongKey,
        'pit-00000000-0000-4000-8000-000000000000',
        'garbage',
      ]) {
        const r = await s.serebro('GET', `/v2/locations/${a}`, { token });
        expect({ token: token.slice(0, 12), status: r.status }).toEqual({
          token: token.slice(0, 12),
          status: 401,
        });
      }
    });

    it('counts 100 per 10 s per app and location: the 101st is 429, another app on the location is unaffected', async () => {
      const [, b] = agency.locations;
      const first = await pit(agency, b!, ['locations:read']);
      const second = await pit(agency, b!, ['locations:read']);
      const statuses: number[] = [];
      // The counters are fixed 10 s windows aligned to the clock: start at a window's beginning, so
      // the 101 requests share one window however slow the machine is (up to 10 s for them all).
      await new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() % 10_000) + 20));
      // in bursts of 20, all within the 10 s window
      for (let i = 0; i < 5; i++) {
        const burst = await Promise.all(
          Array.from({ length: 20 }, () => s.serebro('GET', `/v2/locations/${b}`, { token: first.token })),
        );
        statuses.push(...burst.map((r) => r.status));
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(100);
      const over = await s.serebro('GET', `/v2/locations/${b}`, { token: first.token });
      expect(over.status).toBe(429);
      expect(over.body.error.code).toBe('RATE_LIMITED');
      expect(over.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(over.headers.get('retry-after') ?? '0')).toBeGreaterThanOrEqual(0);
      const unaffected = await s.serebro('GET', `/v2/locations/${b}`, { token: second.token });
      expect(unaffected.status).toBe(200);
      expect(unaffected.headers.get('x-ratelimit-remaining')).toBe('99');
    });

    it('a revoked PIT stops working within 5 s (the revocation feed drops its cached answer)', async () => {
      const [a] = agency.locations;
      const { token, id } = await pit(agency, a!, ['locations:read']);
      expect((await s.serebro('GET', `/v2/locations/${a}`, { token })).status).toBe(200);
      await asOwner(
        agency,
        `mutation($o: ID!, $id: ID!) { revokePrivateIntegration(organizationId: $o, id: $id) { id } }`,
        {
          o: a,
          id,
        },
      );
      const took = await eventually(
        async () => (await s.serebro('GET', `/v2/locations/${a}`, { token })).status === 401,
        5_000,
      );
      expect(took).toBeLessThan(5_000);
    });
  });

  describe('v1', () => {
    it("a location's API key reads its location and no other", async () => {
      const [a, b] = agency.locations;
      const key = await apiKey(agency, a!);
      const own = await s.serebro('GET', `/locations/${a}`, { token: key });
      expect(own.status).toBe(200);
      expect(own.body.location).toMatchObject({ id: a, companyId: agency.agencyId });
      expect(own.headers.get('x-ratelimit-max')).toBe('100');
      const elsewhere = await s.serebro('GET', `/locations/${b}`, { token: key });
      expect({ status: elsewhere.status, body: elsewhere.body }).toEqual({
        status: 403,
        body: {
          statusCode: 403,
          message: LOCATION_MESSAGE,
          error: { code: 'LOCATION_FORBIDDEN', message: LOCATION_MESSAGE },
        },
      });
    });

    it("an agency's API key names one of its locations, and only its own", async () => {
      const key = await apiKey(agency, agency.agencyId);
      const [a] = agency.locations;
      expect((await s.serebro('GET', `/locations/${a}`, { token: key })).status).toBe(200);
      expect((await s.serebro('GET', `/locations/${other.locations[0]}`, { token: key })).status).toBe(403);
    });

    it('refuses PITs and session tokens (v1 takes API keys)', async () => {
      const [a] = agency.locations;
      const { token } = await pit(agency, a!, ['locations:read']);
      for (const credential of [token, agency.ownerToken]) {
        const r = await s.serebro('GET', `/locations/${a}`, { token: credential });
        expect(r.status).toBe(401);
      }
    });
  });

  it('/graphql refuses integration tokens: their scopes are checked on the v2 rows only', async () => {
    const [a] = agency.locations;
    const { token } = await pit(agency, a!, ['locations:read']);
    const result = await s.client.graphql(`{ me { id } }`, {}, { token });
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toMatch(/Serebro v2 REST API only/);
  });
});
