import { eventually, restUser } from '../../test-support/rest-flows';
import type { RestSuite } from '../../test-support/rest-suite';
import { startSerebroOAuth, type SerebroOAuth } from '../../test-support/serebro-oauth';

// Real OAuth access tokens of identity's authorization server, used on Serebro's rows through the
// gateway: a Location token (authorization code + PKCE with a scripted consent) reads its location
// and no other, is refused on v1 and on /graphql, and stops within 5 s of the app's uninstall; a
// client-credentials (App) token is bound to no location. Tokens are obtained from identity's
// OAuth routes directly (the path under its internal prefix is the public one: `/v2/oauth/...`),
// so this test does not depend on the gateway's OAuth forward rows.

describe('Serebro OAuth access tokens at the edge', () => {
  let s: RestSuite;
  let agencyId: string;
  let locations: string[];
  let oauth: SerebroOAuth;
  let tokenUrl: string;

  const asOwner = <T>(query: string, variables: Record<string, unknown>) =>
    oauth.asOwner<T>(query, variables);
  const registerApp = (scopes: string[], distribution: 'AGENCY' | 'LOCATION' = 'LOCATION') =>
    oauth.registerApp(scopes, { distribution, name: 'Edge Sync' });
  /** Authorization code + PKCE, consented by the owner for `organizationId`: the token response. */
  const locationToken = (
    app: Awaited<ReturnType<typeof registerApp>>,
    organizationId: string,
    scope: string,
    userType: 'Location' | 'Company' = 'Location',
  ) => oauth.authorizationCodeToken(app, organizationId, scope, userType);

  beforeAll(async () => {
    oauth = await startSerebroOAuth({
      suite: { rateLimits: true },
      user: 'oauth-edge',
      agency: 'OAuth Agency',
      locations: ['Uptown', 'Downtown'],
    });
    ({ s, agencyId, locations, tokenUrl } = oauth);
  }, 60_000);
  afterAll(() => s?.close());

  it('a Location token reads its location on v2 and no other; v1 and /graphql refuse it; uninstall stops it within 5 s', async () => {
    const [uptown, downtown] = locations;
    const app = await registerApp(['locations:read', 'contacts:read']);
    const tokens = await locationToken(app, uptown!, 'locations.readonly contacts.readonly');
    expect(tokens).toMatchObject({
      userType: 'Location',
      locationId: uptown,
      scope: 'contacts:read locations:read',
    });
    const token = tokens.access_token!;

    const own = await s.serebro('GET', `/v2/locations/${uptown}`, { token });
    expect({ status: own.status, body: own.body }).toEqual({
      status: 200,
      body: { location: { id: uptown, companyId: agencyId, name: 'Uptown' } },
    });
    expect(own.headers.get('x-ratelimit-remaining')).toBe('99');
    const other = await s.serebro('GET', `/v2/locations/${downtown}`, { token });
    expect({ status: other.status, code: other.body.error.code }).toEqual({
      status: 403,
      code: 'LOCATION_FORBIDDEN',
    });
    expect((await s.serebro('GET', `/locations/${uptown}`, { token })).status).toBe(401);
    expect((await s.client.graphql(`{ me { id } }`, {}, { token })).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );

    // the install behind the token, as the edge sees it
    const answer = await fetch(`${s.identity.url}/internal/authenticate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ credential: token, scheme: 'bearer' }),
    });
    const { caller } = (await answer.json()) as { caller: Record<string, string> };
    expect(caller).toMatchObject({
      via: 'oauth',
      appId: app.appId,
      authClass: 'Location',
      resourceId: uptown,
    });
    await asOwner(`mutation($id: ID!) { uninstallApp(installId: $id) { id } }`, { id: caller.credentialId });
    const took = await eventually(
      async () => (await s.serebro('GET', `/v2/locations/${uptown}`, { token })).status === 401,
      5_000,
    );
    expect(took).toBeLessThan(5_000);
  });

  it("a Company token names each of its locations, counted against the agency; another agency's is 403", async () => {
    const [uptown, downtown] = locations;
    const app = await registerApp(['locations:read'], 'AGENCY');
    const tokens = await locationToken(app, agencyId, 'locations.readonly', 'Company');
    expect(tokens).toMatchObject({ userType: 'Company', companyId: agencyId });
    const token = tokens.access_token!;
    const first = await s.serebro('GET', `/v2/locations/${uptown}`, { token });
    expect(first.body).toEqual({ location: { id: uptown, companyId: agencyId, name: 'Uptown' } });
    const second = await s.serebro('GET', `/v2/locations/${downtown}`, { token });
    expect(second.body.location.id).toBe(downtown);
    // one resource (the agency): the second location's request counts in the same window
    expect([first.headers.get('x-ratelimit-remaining'), second.headers.get('x-ratelimit-remaining')]).toEqual(
      ['99', '98'],
    );
    const stranger = await restUser(s, 'oauth-stranger');
    const foreign = await s.client.ok<{ createAgency: { id: string } }>(
      `mutation { createAgency(name: "Foreign") { id } }`,
      {},
      { token: stranger.token },
    );
    const foreignLocation = await s.client.ok<{ createLocation: { id: string } }>(
      `mutation($a: ID!) { createLocation(agencyId: $a, name: "Far") { id } }`,
      { a: foreign.createAgency.id },
      { token: stranger.token },
    );
    const r = await s.serebro('GET', `/v2/locations/${foreignLocation.createLocation.id}`, { token });
    expect({ status: r.status, code: r.body.error.code }).toEqual({
      status: 403,
      code: 'LOCATION_FORBIDDEN',
    });
  });

  it("a token without the row's scope is 401 with HighLevel's message", async () => {
    const [, downtown] = locations;
    const app = await registerApp(['contacts:read']);
    const { access_token: token } = await locationToken(app, downtown!, 'contacts.readonly');
    const r = await s.serebro('GET', `/v2/locations/${downtown}`, { token });
    expect({ status: r.status, body: r.body }).toEqual({
      status: 401,
      body: {
        statusCode: 401,
        message: 'The token is not authorized for this scope.',
        error: {
          code: 'UNAUTHORIZED_SCOPE',
          message: 'The token is not authorized for this scope.',
          scope: 'locations:read',
        },
      },
    });
  });

  it('a client-credentials (App) token is bound to no location: 403', async () => {
    const app = await registerApp(['locations:read']);
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }).toString(),
    });
    const body = (await response.json()) as { access_token: string };
    expect(response.status).toBe(200);
    const r = await s.serebro('GET', `/v2/locations/${locations[0]}`, { token: body.access_token });
    expect({ status: r.status, code: r.body.error.code }).toEqual({
      status: 403,
      code: 'LOCATION_FORBIDDEN',
    });
  });
});
