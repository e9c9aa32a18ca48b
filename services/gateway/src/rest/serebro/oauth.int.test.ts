import { HighLevel } from '@gohighlevel/api-client';
import * as oauth from 'openid-client';
import { OAuthBrowser, scriptedConsent } from '@seren/testing';
import { startRestSuite, type RestSuite } from '../../test-support/rest-suite';
import { restUser } from '../../test-support/rest-flows';
import { STRONG_PASSWORD } from '../../test-support/suite';

// Serebro v2's OAuth flows through the gateway's Serebro port, as an integrator runs them: the
// forwards carry forms, cookies and redirects both ways. The protocol's refusals are tested in
// identity (services/identity/src/oauth/oauth.int.test.ts).
describe('Serebro OAuth through the gateway', () => {
  let s: RestSuite;
  let base: string;
  beforeAll(async () => {
    s = await startRestSuite();
    base = s.gateway.listeners.serebro.url;
  });
  afterAll(() => s?.close());

  /** A user owning an agency with a location, and a marketplace app of the agency. */
  async function installation(distribution: 'AGENCY' | 'LOCATION' = 'LOCATION') {
    const user = await restUser(s, 'oauth');
    const as = { token: user.token };
    const agency = await s.client.ok<{ createAgency: { id: string } }>(
      `mutation { createAgency(name: "Acme Agency") { id } }`,
      {},
      as,
    );
    const location = await s.client.ok<{ createLocation: { id: string } }>(
      `mutation($a: ID!) { createLocation(agencyId: $a, name: "Acme Downtown") { id } }`,
      { a: agency.createAgency.id },
      as,
    );
    const redirectUri = 'http://localhost:9876/callback';
    const app = await s.client.ok<{
      registerMarketplaceApp: { app: { clientId: string }; clientSecret: string };
    }>(
      `mutation($org: ID!, $uris: [String!]!, $distribution: MarketplaceDistribution!) {
         registerMarketplaceApp(organizationId: $org, name: "Acme Sync", redirectUris: $uris,
           scopes: ["contacts.readonly", "locations.readonly", "oauth.write"], distribution: $distribution) {
           app { clientId } clientSecret
         }
       }`,
      { org: agency.createAgency.id, uris: [redirectUri], distribution },
      as,
    );
    return {
      user: { ...user, password: STRONG_PASSWORD },
      agencyId: agency.createAgency.id,
      locationId: location.createLocation.id,
      clientId: app.registerMarketplaceApp.app.clientId,
      clientSecret: app.registerMarketplaceApp.clientSecret,
      redirectUri,
    };
  }

  it('serves the RFC 8414 metadata at the root of the Serebro port, naming the v2 endpoints', async () => {
    const response = await fetch(`${base}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      issuer: base,
      token_endpoint: `${base}/v2/oauth/token`,
      authorization_endpoint: `${base}/v2/oauth/chooselocation`,
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('openid-client runs authorization code + PKCE, refresh, client credentials and revocation', async () => {
    const setup = await installation();
    const config = await oauth.discovery(new URL(base), setup.clientId, setup.clientSecret, undefined, {
      execute: [oauth.allowInsecureRequests],
      algorithm: 'oauth2',
    });
    const verifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: setup.redirectUri,
      scope: 'contacts.readonly locations.readonly',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await scriptedConsent(new OAuthBrowser(base), url.href, setup.user, setup.locationId);
    const tokens = await oauth.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens).toMatchObject({
      scope: 'contacts:read locations:read',
      userType: 'Location',
      locationId: setup.locationId,
      companyId: setup.agencyId,
      expires_in: 86399,
    });
    const refreshed = await oauth.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    const app = await oauth.clientCredentialsGrant(config);
    expect(app.scope).toBe('contacts:read locations:read oauth.write');
    await oauth.tokenRevocation(config, refreshed.refresh_token!);
    await expect(oauth.refreshTokenGrant(config, refreshed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it("HighLevel's SDK exchanges a code and refreshes with only its base URL changed", async () => {
    const setup = await installation();
    const sdk = new HighLevel({
      clientId: setup.clientId,
      clientSecret: setup.clientSecret,
      logLevel: 'error',
    });
    sdk.addRequestInterceptor({
      onFulfilled: (config) => ({ ...config, baseURL: `${base}/v2` }) as typeof config,
    });
    // HighLevel's chooselocation URL, with PKCE (required here for every client)
    const verifier = oauth.randomPKCECodeVerifier();
    const authorizationUrl = new URL(
      sdk.oauth.getAuthorizationUrl(
        setup.clientId,
        setup.redirectUri,
        'contacts.readonly locations.readonly',
      ),
    );
    const url = new URL(`${base}/v2${authorizationUrl.pathname}${authorizationUrl.search}`);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    const callback = await scriptedConsent(new OAuthBrowser(base), url.href, setup.user, setup.locationId);
    const code = callback.searchParams.get('code')!;
    const tokens = (await sdk.oauth.getAccessToken({
      client_id: setup.clientId,
      client_secret: setup.clientSecret,
      grant_type: 'authorization_code',
      code,
      code_verifier: verifier,
      redirect_uri: setup.redirectUri,
      user_type: 'Location',
    } as never)) as unknown as Record<string, unknown>;
    expect(tokens).toMatchObject({
      token_type: 'Bearer',
      userType: 'Location',
      locationId: setup.locationId,
      companyId: setup.agencyId,
      userId: setup.user.id,
      scope: 'contacts:read locations:read',
      expires_in: 86399,
    });
    const refreshed = (await sdk.oauth.refreshToken(
      tokens.refresh_token as string,
      setup.clientId,
      setup.clientSecret,
      'refresh_token',
      'Location',
    )) as unknown as Record<string, unknown>;
    expect(refreshed).toMatchObject({ userType: 'Location', locationId: setup.locationId });
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
  });

  it('passes OAuth errors through untouched (RFC 6749 bodies, not Serebro’s error object)', async () => {
    const setup = await installation();
    const response = await fetch(`${base}/v2/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: setup.clientId,
        client_secret: setup.clientSecret,
        refresh_token: 'not-a-token',
      }).toString(),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    const unknown = await fetch(`${base}/v2/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: setup.clientId,
        client_secret: setup.clientSecret,
        scope: 'telepathy:read',
      }).toString(),
    });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'invalid_scope' });
  });
});
