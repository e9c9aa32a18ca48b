import * as oauth from 'openid-client';
import { consent, installation, startOAuthIdentity, Browser, type OAuthIdentity } from '../test/oauth';
import { verifyAccessToken } from './verify';

describe("Serebro's OAuth authorization server, driven by openid-client", () => {
  let t: OAuthIdentity;
  beforeAll(async () => {
    t = await startOAuthIdentity();
  });
  afterAll(() => t?.close());

  const configFor = (clientId: string, clientSecret: string) =>
    oauth.discovery(new URL(t.publicUrl), clientId, clientSecret, undefined, {
      execute: [oauth.allowInsecureRequests],
      algorithm: 'oauth2',
    });

  it('runs authorization code + PKCE with a scripted consent, then refresh, and the edge verifies the tokens', async () => {
    const setup = await installation(t);
    const config = await configFor(setup.clientId, setup.clientSecret);
    const verifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: setup.redirectUri,
      scope: 'contacts.readonly locations:read',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await consent(new Browser(t.publicUrl), url.href, setup.user, setup.locationId);
    expect(callback.searchParams.get('state')).toBe(state);
    const tokens = await oauth.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(tokens).toMatchObject({
      token_type: 'bearer',
      expires_in: 86399,
      scope: 'contacts:read locations:read',
      userType: 'Location',
      locationId: setup.locationId,
      companyId: setup.agencyId,
      userId: setup.user.id,
    });
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const caller = await verifyAccessToken(t.service.identity, tokens.access_token);
    expect(caller).toMatchObject({
      clientId: setup.clientId,
      appId: setup.appId,
      authClass: 'Location',
      organizationId: setup.locationId,
      locationId: setup.locationId,
      companyId: setup.agencyId,
      userId: setup.user.id,
      scopes: ['contacts:read', 'locations:read'],
    });

    const refreshed = await oauth.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect(refreshed.scope).toBe('contacts:read locations:read');
    expect(await verifyAccessToken(t.service.identity, refreshed.access_token)).toMatchObject({
      locationId: setup.locationId,
    });
  });
});
