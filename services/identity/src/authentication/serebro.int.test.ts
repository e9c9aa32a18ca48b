import { startTestIdentity, type TestIdentity } from '../test/harness';

// /internal/authenticate for Serebro's credentials: private integration tokens, organization-bound
// API keys, and `locationId` (the location a request names): a location credential acts only
// there, an agency credential in its locations; anything else is 403 with HighLevel's message.

describe('Serebro credentials at /internal/authenticate', () => {
  let t: TestIdentity;
  beforeAll(async () => {
    t = await startTestIdentity({ embedded: true });
  });
  afterAll(() => t?.close());

  const authenticate = async (credential: string, scheme: string, locationId?: unknown) => {
    const response = await fetch(`${t.service.url}/internal/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential, scheme, locationId }),
    });
    return { status: response.status, body: (await response.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  async function agencyWithLocations(label: string) {
    const owner = await t.client.user(label);
    const { createAgency } = await t.client.ok<{ createAgency: { id: string } }>(
      `mutation { createAgency(name: "Agency") { id } }`,
      {},
      owner.as,
    );
    const locations: string[] = [];
    for (const name of ['North', 'South']) {
      const { createLocation } = await t.client.ok<{ createLocation: { id: string } }>(
        `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
        { a: createAgency.id, n: name },
        owner.as,
      );
      locations.push(createLocation.id);
    }
    const pit = async (organizationId: string, scopes: string[]) => {
      const { createPrivateIntegration } = await t.client.ok<{
        createPrivateIntegration: { token: string; privateIntegration: { id: string } };
      }>(
        `mutation($o: ID!, $s: [String!]!) { createPrivateIntegration(organizationId: $o, name: "sync", scopes: $s) { token privateIntegration { id } } }`,
        { o: organizationId, s: scopes },
        owner.as,
      );
      return { token: createPrivateIntegration.token, id: createPrivateIntegration.privateIntegration.id };
    };
    const apiKey = async (organizationId: string) => {
      const { createApiKey } = await t.client.ok<{ createApiKey: { key: string; apiKey: { id: string } } }>(
        `mutation($o: ID!) { createApiKey(organizationId: $o, name: "v1") { key apiKey { id } } }`,
        { o: organizationId },
        owner.as,
      );
      return { key: createApiKey.key, id: createApiKey.apiKey.id };
    };
    return { owner, agencyId: createAgency.id, locations, pit, apiKey };
  }

  it('answers a PIT as its own app, bound to its location, with canonical scopes and no permissions', async () => {
    const a = await agencyWithLocations('pit');
    const [north] = a.locations;
    const { token, id } = await a.pit(north!, ['contacts.readonly', 'locations:read']);
    const { status, body } = await authenticate(token, 'bearer');
    expect(status).toBe(200);
    expect(body.caller).toEqual({
      subject: a.owner.id,
      kind: 'user',
      organizationId: north,
      scopes: ['contacts:read', 'locations:read'],
      permissions: [],
      via: 'pit',
      appId: id,
      authClass: 'Location',
      credentialId: id,
      resourceId: north,
    });
  });

  it('a location credential acts only in its location; an agency credential in each of its locations', async () => {
    const a = await agencyWithLocations('locate');
    const b = await agencyWithLocations('elsewhere');
    const [north, south] = a.locations;
    const location = await a.pit(north!, ['locations:read']);
    expect((await authenticate(location.token, 'bearer', north)).body.caller.organizationId).toBe(north);
    for (const elsewhere of [south, a.agencyId, b.locations[0], 'missing']) {
      expect(await authenticate(location.token, 'bearer', elsewhere)).toEqual({
        status: 403,
        body: {
          code: 'FORBIDDEN',
          message: 'The token does not have access to this location.',
          reason: 'LOCATION_FORBIDDEN',
        },
      });
    }
    const agency = await a.pit(a.agencyId, ['locations:read']);
    const inSouth = await authenticate(agency.token, 'bearer', south);
    expect(inSouth.body.caller).toMatchObject({
      organizationId: south,
      resourceId: a.agencyId,
      authClass: 'Company',
      appId: agency.id,
    });
    expect((await authenticate(agency.token, 'bearer', b.locations[0])).status).toBe(403);

    // v1: the same rules for API keys, which now say which key they are
    const key = await a.apiKey(a.agencyId);
    const keyed = await authenticate(key.key, 'api_key', north);
    expect(keyed.body.caller).toMatchObject({
      via: 'api_key',
      organizationId: north,
      resourceId: a.agencyId,
      authClass: 'Company',
      credentialId: key.id,
    });
    const locationKey = await a.apiKey(north!);
    expect((await authenticate(locationKey.key, 'api_key')).body.caller).toMatchObject({
      authClass: 'Location',
      credentialId: locationKey.id,
    });
    expect((await authenticate(locationKey.key, 'api_key', south)).status).toBe(403);
  });

  it("a user's own session is bound to no location: naming one is 403; a bad locationId is 400", async () => {
    const a = await agencyWithLocations('session');
    expect((await authenticate(a.owner.accessToken, 'bearer', a.locations[0])).status).toBe(403);
    expect((await authenticate(a.owner.accessToken, 'bearer', 42)).status).toBe(400);
    expect((await authenticate(a.owner.accessToken, 'bearer', '')).status).toBe(400);
  });

  it('refuses a revoked PIT and an OAuth-typed JWT that does not verify', async () => {
    const a = await agencyWithLocations('revoked');
    const { token, id } = await a.pit(a.locations[0]!, ['locations:read']);
    await t.client.ok(
      `mutation($o: ID!, $id: ID!) { revokePrivateIntegration(organizationId: $o, id: $id) { id } }`,
      { o: a.locations[0], id },
      a.owner.as,
    );
    expect(await authenticate(token, 'bearer')).toMatchObject({
      status: 401,
      body: { reason: 'TOKEN_INVALID' },
    });
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ sub: a.owner.id, scope: 'locations:read' })).toString(
      'base64url',
    );
    expect(await authenticate(`${header}.${payload}.`, 'bearer')).toMatchObject({
      status: 401,
      body: { reason: 'TOKEN_INVALID' },
    });
  });
});
