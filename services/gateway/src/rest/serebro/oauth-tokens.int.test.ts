import { createHash, randomBytes } from 'node:crypto';
import { asCaller, graphql } from '@seren/testing';
import { eventually, restUser } from '../../test-support/rest-flows';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { STRONG_PASSWORD } from '../../test-support/suite';

// Real OAuth access tokens of identity's authorization server, used on Serebro's rows through the
// gateway: a Location token (authorization code + PKCE with a scripted consent) reads its location
// and no other, is refused on v1 and on /graphql, and stops within 5 s of the app's uninstall; a
// client-credentials (App) token is bound to no location. Tokens are obtained from identity's
// OAuth routes directly (the path under its internal prefix is the public one: `/v2/oauth/...`),
// so this test does not depend on the gateway's OAuth forward rows.

const PREFIX = '/internal/serebro-oauth';
const PUBLIC = 'http://localhost:4002'; // identity's default SEREBRO_PUBLIC_URL, the issuer

describe('Serebro OAuth access tokens at the edge', () => {
  let s: RestSuite;
  let owner: Awaited<ReturnType<typeof restUser>>;
  let agencyId: string;
  let locations: string[];

  const asOwner = async <T>(query: string, variables: Record<string, unknown>) => {
    const result = await graphql<T>(
      s.identity.url,
      query,
      variables,
      await asCaller({ subject: owner.id, via: 'session' }),
    );
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data!;
  };

  /** identity's OAuth route for a public URL (`http://localhost:4002/v2/oauth/...`). */
  const internal = (url: string) => {
    const parsed = new URL(url, PUBLIC);
    return `${s.identity.url}${PREFIX}${parsed.pathname}${parsed.search}`;
  };

  /** A browser for the consent pages: cookies by name, redirects not followed. */
  const browser = () => {
    const cookies = new Map<string, string>();
    return async (url: string, form?: Record<string, string>) => {
      const response = await fetch(internal(url), {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: form ? new URLSearchParams(form).toString() : undefined,
      });
      for (const line of response.headers.getSetCookie()) {
        const [name, ...value] = line.split(';')[0]!.split('=');
        if (/expires=Thu, 01 Jan 1970/i.test(line)) cookies.delete(name!.trim());
        else cookies.set(name!.trim(), value.join('='));
      }
      return {
        status: response.status,
        location: response.headers.get('location'),
        text: await response.text(),
      };
    };
  };

  async function registerApp(scopes: string[], distribution: 'AGENCY' | 'LOCATION' = 'LOCATION') {
    const redirectUri = 'http://localhost:9876/callback';
    const data = await asOwner<{
      registerMarketplaceApp: { clientSecret: string; app: { id: string; clientId: string } };
    }>(
      `mutation($o: ID!, $s: [String!]!, $r: [String!]!, $d: MarketplaceDistribution!) {
        registerMarketplaceApp(organizationId: $o, name: "Edge Sync", redirectUris: $r, scopes: $s, distribution: $d) {
          clientSecret app { id clientId }
        }
      }`,
      { o: agencyId, s: scopes, r: [redirectUri], d: distribution },
    );
    const { app, clientSecret } = data.registerMarketplaceApp;
    return { appId: app.id, clientId: app.clientId, clientSecret, redirectUri };
  }

  /** Authorization code + PKCE, consented by the owner for `organizationId`: the token response. */
  async function locationToken(
    app: Awaited<ReturnType<typeof registerApp>>,
    organizationId: string,
    scope: string,
    userType: 'Location' | 'Company' = 'Location',
  ) {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const state = randomBytes(8).toString('hex');
    const authorize = new URL('/v2/oauth/chooselocation', PUBLIC);
    for (const [k, v] of Object.entries({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: app.redirectUri,
      scope,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
    }))
      authorize.searchParams.set(k, v);
    const go = browser();
    let step = await go(authorize.href);
    let callback: URL | undefined;
    for (let hops = 0; hops < 12 && !callback; hops++) {
      if (step.status !== 302 && step.status !== 303)
        throw new Error(`${step.status}: ${step.text.slice(0, 500)}`);
      const location = new URL(step.location!, PUBLIC);
      if (location.href.startsWith(app.redirectUri)) callback = location;
      else if (/\/v2\/oauth\/consent\/[\w-]+$/.test(location.pathname)) {
        const page = await go(location.href);
        step = page.text.includes('/login"')
          ? await go(`${location.href}/login`, { email: owner.email, password: STRONG_PASSWORD })
          : await go(`${location.href}/approve`, { organization_id: organizationId });
      } else step = await go(location.href);
    }
    if (!callback?.searchParams.get('code')) throw new Error(`no code: ${callback?.href}`);
    expect(callback.searchParams.get('state')).toBe(state);
    const response = await fetch(`${s.identity.url}${PREFIX}/v2/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: app.redirectUri,
        code_verifier: verifier,
        client_id: app.clientId,
        client_secret: app.clientSecret,
        user_type: userType,
      }).toString(),
    });
    const body = (await response.json()) as Record<string, string>;
    if (response.status !== 200) throw new Error(`token: ${response.status} ${JSON.stringify(body)}`);
    return body;
  }

  beforeAll(async () => {
    s = await startRestSuite({ rateLimits: true });
    owner = await restUser(s, 'oauth-edge');
    const as = { token: owner.token };
    agencyId = (
      await s.client.ok<{ createAgency: { id: string } }>(
        `mutation { createAgency(name: "OAuth Agency") { id } }`,
        {},
        as,
      )
    ).createAgency.id;
    locations = [];
    for (const name of ['Uptown', 'Downtown'])
      locations.push(
        (
          await s.client.ok<{ createLocation: { id: string } }>(
            `mutation($a: ID!, $n: String!) { createLocation(agencyId: $a, name: $n) { id } }`,
            { a: agencyId, n: name },
            as,
          )
        ).createLocation.id,
      );
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
    const response = await fetch(`${s.identity.url}${PREFIX}/v2/oauth/token`, {
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
