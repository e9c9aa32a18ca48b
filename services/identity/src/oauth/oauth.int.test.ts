import { SignJWT, UnsecuredJWT, decodeJwt, decodeProtectedHeader, generateKeyPair } from 'jose';
import * as oauth from 'openid-client';
import { uninstallApp } from '../marketplace/installs';
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

  type Setup = Awaited<ReturnType<typeof installation>>;

  /** Authorization code + PKCE through the consent pages; the callback URL and the verifier. */
  async function authorize(setup: Setup, scope: string, organizationId = setup.locationId) {
    const config = await configFor(setup.clientId, setup.clientSecret);
    const verifier = oauth.randomPKCECodeVerifier();
    const state = oauth.randomState();
    const url = oauth.buildAuthorizationUrl(config, {
      redirect_uri: setup.redirectUri,
      scope,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    const callback = await consent(new Browser(t.publicUrl), url.href, setup.user, organizationId);
    return { config, callback, verifier, state };
  }

  async function tokensFor(setup: Setup, scope = 'contacts:read locations:read', organizationId?: string) {
    const { config, callback, verifier, state } = await authorize(setup, scope, organizationId);
    const tokens = await oauth.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    return { config, tokens };
  }

  /** A raw form POST to a public path (as a client library that is not openid-client would send it). */
  const post = async (path: string, form: Record<string, string>, headers: Record<string, string> = {}) => {
    const response = await fetch(`${t.publicUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };

  const oauthErrorOf = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      return (error as { error?: string }).error;
    }
    throw new Error('expected an OAuth error');
  };

  it('publishes RFC 8414 metadata: S256 only, the v2 endpoints, the JWKS of identity’s keys', async () => {
    const response = await fetch(`${t.publicUrl}/.well-known/oauth-authorization-server`);
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as Record<string, unknown>;
    expect(metadata).toMatchObject({
      issuer: t.publicUrl,
      authorization_endpoint: `${t.publicUrl}/v2/oauth/chooselocation`,
      token_endpoint: `${t.publicUrl}/v2/oauth/token`,
      revocation_endpoint: `${t.publicUrl}/v2/oauth/revoke`,
      introspection_endpoint: `${t.publicUrl}/v2/oauth/introspect`,
      jwks_uri: `${t.publicUrl}/v2/oauth/jwks`,
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: expect.arrayContaining([
        'authorization_code',
        'refresh_token',
        'client_credentials',
      ]),
      scopes_supported: expect.arrayContaining(['contacts:read', 'oauth.write']),
    });
    const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as {
      keys: Record<string, unknown>[];
    };
    const identityJwks = (await (await fetch(`${t.service.url}/.well-known/jwks.json`)).json()) as {
      keys: { kid: string }[];
    };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(identityJwks.keys.map((k) => k.kid).sort());
    for (const key of jwks.keys) expect(key).not.toHaveProperty('d');
  });

  it('runs authorization code + PKCE with a scripted consent, then refresh, and the edge verifies the tokens', async () => {
    const setup = await installation(t);
    const { config, callback, verifier, state } = await authorize(setup, 'contacts.readonly locations:read');
    expect(callback.origin + callback.pathname).toBe(setup.redirectUri);
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
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({
      iss: t.publicUrl,
      aud: `${t.publicUrl}/v2`,
      sub: setup.user.id,
      client_id: setup.clientId,
      scope: 'contacts:read locations:read',
      authClass: 'Location',
      locationId: setup.locationId,
      companyId: setup.agencyId,
      app_id: setup.appId,
      grant_id: expect.any(String),
      install_id: expect.any(String),
    });
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
    expect(refreshed).toMatchObject({
      scope: 'contacts:read locations:read',
      userType: 'Location',
      expires_in: 86399,
    });
    expect(await verifyAccessToken(t.service.identity, refreshed.access_token)).toMatchObject({
      locationId: setup.locationId,
    });
  });

  it('signs with the newest key after a rotation; tokens of the retired key still verify', async () => {
    const setup = await installation(t);
    const before = await tokensFor(setup);
    const rotated = await t.service.identity.signingKeys.rotate();
    const after = await oauth.refreshTokenGrant(before.config, before.tokens.refresh_token!);
    expect(decodeProtectedHeader(after.access_token).kid).toBe(rotated.kid);
    expect(decodeProtectedHeader(before.tokens.access_token).kid).not.toBe(rotated.kid);
    expect(await verifyAccessToken(t.service.identity, before.tokens.access_token)).toBeDefined();
    expect(await verifyAccessToken(t.service.identity, after.access_token)).toBeDefined();
    const jwks = (await (await fetch(`${t.publicUrl}/v2/oauth/jwks`)).json()) as { keys: { kid: string }[] };
    expect(jwks.keys.map((k) => k.kid)).toEqual(
      expect.arrayContaining([rotated.kid, decodeProtectedHeader(before.tokens.access_token).kid]),
    );
  });

  it('kills the grant when a spent refresh token is presented again', async () => {
    const setup = await installation(t);
    const { config, tokens } = await tokensFor(setup);
    const second = await oauth.refreshTokenGrant(config, tokens.refresh_token!);
    expect(await oauthErrorOf(oauth.refreshTokenGrant(config, tokens.refresh_token!))).toBe('invalid_grant');
    // the whole grant is gone: the newest refresh token and every access token with it
    expect(await oauthErrorOf(oauth.refreshTokenGrant(config, second.refresh_token!))).toBe('invalid_grant');
    expect(await verifyAccessToken(t.service.identity, tokens.access_token)).toBeUndefined();
    expect(await verifyAccessToken(t.service.identity, second.access_token)).toBeUndefined();
  });

  it('revokes a refresh token with its grant, and an access token on its own (RFC 7009)', async () => {
    const setup = await installation(t);
    const first = await tokensFor(setup);
    await oauth.tokenRevocation(first.config, first.tokens.refresh_token!);
    expect(await oauthErrorOf(oauth.refreshTokenGrant(first.config, first.tokens.refresh_token!))).toBe(
      'invalid_grant',
    );
    expect(await verifyAccessToken(t.service.identity, first.tokens.access_token)).toBeUndefined();

    const other = await tokensFor(setup);
    await oauth.tokenRevocation(other.config, other.tokens.access_token, { token_type_hint: 'access_token' });
    expect(await verifyAccessToken(t.service.identity, other.tokens.access_token)).toBeUndefined();
    // the grant stands: its refresh token still works
    const again = await oauth.refreshTokenGrant(other.config, other.tokens.refresh_token!);
    expect(await verifyAccessToken(t.service.identity, again.access_token)).toBeDefined();
  });

  it('introspects access and refresh tokens for their own client only (RFC 7662)', async () => {
    const setup = await installation(t);
    const { config, tokens } = await tokensFor(setup);
    expect(await oauth.tokenIntrospection(config, tokens.access_token)).toMatchObject({
      active: true,
      client_id: setup.clientId,
      scope: 'contacts:read locations:read',
      sub: setup.user.id,
      locationId: setup.locationId,
    });
    expect(await oauth.tokenIntrospection(config, tokens.refresh_token!)).toMatchObject({
      active: true,
      client_id: setup.clientId,
    });
    const stranger = await installation(t);
    const strangerConfig = await configFor(stranger.clientId, stranger.clientSecret);
    expect(await oauth.tokenIntrospection(strangerConfig, tokens.access_token)).toMatchObject({
      active: false,
    });
  });

  it('issues client-credentials tokens for the app itself, with the app’s scopes by default', async () => {
    const setup = await installation(t);
    const config = await configFor(setup.clientId, setup.clientSecret);
    const tokens = await oauth.clientCredentialsGrant(config);
    expect(tokens.refresh_token).toBeUndefined();
    expect(await verifyAccessToken(t.service.identity, tokens.access_token)).toMatchObject({
      clientId: setup.clientId,
      appId: setup.appId,
      authClass: 'App',
      scopes: ['contacts:read', 'contacts:write', 'locations:read', 'oauth.write'],
    });
    expect(tokens.access_token && decodeJwt(tokens.access_token).sub).toBe(setup.clientId);
    const narrow = await oauth.clientCredentialsGrant(config, { scope: 'contacts.readonly' });
    expect(narrow.scope).toBe('contacts:read');
    expect(await oauthErrorOf(oauth.clientCredentialsGrant(config, { scope: 'payments:write' }))).toBe(
      'invalid_scope',
    );
  });

  it('turns an agency token with oauth.write into a location token (HighLevel’s locationToken)', async () => {
    const setup = await installation(t, { distribution: 'agency' });
    const { tokens } = await tokensFor(setup, 'contacts:read oauth.write', setup.agencyId);
    expect(tokens).toMatchObject({ userType: 'Company', companyId: setup.agencyId });
    expect(tokens.locationId).toBeUndefined();
    const answer = await post(
      '/v2/oauth/locationToken',
      { companyId: setup.agencyId, locationId: setup.locationId },
      { authorization: `Bearer ${tokens.access_token}` },
    );
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86399,
      scope: 'contacts:read oauth.write',
      userType: 'Location',
      companyId: setup.agencyId,
      locationId: setup.locationId,
      userId: setup.user.id,
    });
    expect(answer.body.refresh_token).toBeUndefined();
    expect(await verifyAccessToken(t.service.identity, answer.body.access_token as string)).toMatchObject({
      authClass: 'Location',
      organizationId: setup.locationId,
      locationId: setup.locationId,
      companyId: setup.agencyId,
    });
    // another agency's location, a location token, no token
    const other = await installation(t);
    const foreign = await post(
      '/v2/oauth/locationToken',
      { companyId: setup.agencyId, locationId: other.locationId },
      { authorization: `Bearer ${tokens.access_token}` },
    );
    expect(foreign).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const fromLocation = await post(
      '/v2/oauth/locationToken',
      { companyId: setup.agencyId, locationId: setup.locationId },
      { authorization: `Bearer ${answer.body.access_token as string}` },
    );
    expect(fromLocation).toMatchObject({ status: 403, body: { error: 'insufficient_scope' } });
    expect(
      await post('/v2/oauth/locationToken', { companyId: setup.agencyId, locationId: setup.locationId }),
    ).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
  });

  it('installs an agency app on the agency (Company) or on one of its locations; a location app on locations only', async () => {
    const agencyApp = await installation(t, { distribution: 'agency' });
    const { tokens } = await tokensFor(agencyApp, 'contacts:read', agencyApp.locationId);
    expect(tokens).toMatchObject({
      userType: 'Location',
      locationId: agencyApp.locationId,
      companyId: agencyApp.agencyId,
    });

    const locationApp = await installation(t);
    await expect(authorize(locationApp, 'contacts:read', locationApp.agencyId)).rejects.toThrow(
      /expected a redirect, got 400[^]*Pick one of the places offered/,
    );
  });

  describe('refuses, with the right OAuth error', () => {
    let setup: Setup;
    beforeAll(async () => {
      setup = await installation(t);
    });

    const authorizationUrl = (params: Record<string, string>) =>
      `${t.publicUrl}/v2/oauth/chooselocation?${new URLSearchParams({
        response_type: 'code',
        client_id: setup.clientId,
        redirect_uri: setup.redirectUri,
        scope: 'contacts:read',
        state: 'st',
        ...params,
      })}`;
    const challenge = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

    it('a wrong redirect URI: an error page, never a redirect to it', async () => {
      const answer = await new Browser(t.publicUrl).request(
        authorizationUrl({
          redirect_uri: 'https://evil.example/cb',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      expect(answer.status).toBe(400);
      expect(answer.location).toBeNull();
      expect(answer.text).toContain('invalid_redirect_uri');
      const page = await fetch(
        authorizationUrl({
          redirect_uri: 'https://evil.example/cb',
          code_challenge: challenge,
          code_challenge_method: 'S256',
        }),
      );
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    });

    it('missing and plain PKCE', async () => {
      const cases: Record<string, string>[] = [
        {},
        { code_challenge: challenge, code_challenge_method: 'plain' },
      ];
      for (const params of cases) {
        const answer = await new Browser(t.publicUrl).request(authorizationUrl(params));
        expect(answer.status).toBe(303);
        const back = new URL(answer.location!);
        expect(back.origin + back.pathname).toBe(setup.redirectUri);
        expect(back.searchParams.get('error')).toBe('invalid_request');
        expect(back.searchParams.get('state')).toBe('st');
      }
    });

    it('unknown scopes and scopes beyond the app’s (not dropped silently)', async () => {
      for (const scope of ['contacts:read telepathy:read', 'payments:write']) {
        const answer = await new Browser(t.publicUrl).request(
          authorizationUrl({ scope, code_challenge: challenge, code_challenge_method: 'S256' }),
        );
        expect(answer.status).toBe(303);
        const back = new URL(answer.location!);
        expect(back.searchParams.get('error')).toBe('invalid_scope');
        expect(back.searchParams.get('state')).toBe('st');
        expect(back.searchParams.get('iss')).toBe(t.publicUrl);
      }
      const config = await configFor(setup.clientId, setup.clientSecret);
      const { tokens } = await tokensFor(setup);
      expect(
        await oauthErrorOf(
          oauth.refreshTokenGrant(config, tokens.refresh_token!, { scope: 'telepathy:read' }),
        ),
      ).toBe('invalid_scope');
    });

    it('a replayed code, and the grant it made dies with the replay', async () => {
      const { config, callback, verifier, state } = await authorize(setup, 'contacts:read');
      const tokens = await oauth.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
      expect(
        await oauthErrorOf(
          oauth.authorizationCodeGrant(config, callback, {
            pkceCodeVerifier: verifier,
            expectedState: state,
          }),
        ),
      ).toBe('invalid_grant');
      expect(await verifyAccessToken(t.service.identity, tokens.access_token)).toBeUndefined();
    });

    it('an expired code, and a wrong code verifier', async () => {
      const { config, callback, state } = await authorize(setup, 'contacts:read');
      expect(
        await oauthErrorOf(
          oauth.authorizationCodeGrant(config, callback, {
            pkceCodeVerifier: oauth.randomPKCECodeVerifier(),
            expectedState: state,
          }),
        ),
      ).toBe('invalid_grant');
      const again = await authorize(setup, 'contacts:read');
      await t.service.identity.dataSource.query(
        `update oauth_models set expires_at = now() - interval '1 second' where model = 'AuthorizationCode'`,
      );
      expect(
        await oauthErrorOf(
          oauth.authorizationCodeGrant(again.config, again.callback, {
            pkceCodeVerifier: again.verifier,
            expectedState: again.state,
          }),
        ),
      ).toBe('invalid_grant');
    });

    it('the client secret of another app, and a wrong secret', async () => {
      const other = await installation(t);
      const { callback, verifier } = await authorize(setup, 'contacts:read');
      const code = callback.searchParams.get('code')!;
      const exchange = (secret: string) =>
        post('/v2/oauth/token', {
          grant_type: 'authorization_code',
          client_id: setup.clientId,
          client_secret: secret,
          code,
          code_verifier: verifier,
          redirect_uri: setup.redirectUri,
        });
      expect(await exchange(other.clientSecret)).toMatchObject({
        status: 401,
        body: { error: 'invalid_client' },
      });
      expect(await exchange('not-the-secret')).toMatchObject({
        status: 401,
        body: { error: 'invalid_client' },
      });
      const basic = Buffer.from(`${setup.clientId}:${other.clientSecret}`).toString('base64');
      expect(
        await post(
          '/v2/oauth/token',
          { grant_type: 'client_credentials' },
          { authorization: `Basic ${basic}` },
        ),
      ).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      // Basic credentials that do not decode are none: no client authentication, invalid_request
      expect(
        await post(
          '/v2/oauth/token',
          { grant_type: 'client_credentials' },
          {
            authorization: `Basic ${Buffer.from(`${setup.clientId}:%ZZ`).toString('base64')}`,
          },
        ),
      ).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      // and the right one, over HTTP Basic too
      const right = Buffer.from(`${setup.clientId}:${setup.clientSecret}`).toString('base64');
      expect(
        await post(
          '/v2/oauth/token',
          { grant_type: 'client_credentials' },
          { authorization: `Basic ${right}` },
        ),
      ).toMatchObject({ status: 200 });
    });

    it('the token of an uninstalled app, and its refresh token', async () => {
      const own = await installation(t);
      const { config, tokens } = await tokensFor(own);
      const caller = await verifyAccessToken(t.service.identity, tokens.access_token);
      const userCaller = await t.client.callerFor(own.user.accessToken);
      await uninstallApp(t.service.identity, { caller: userCaller, requestId: 'test' }, caller!.installId!);
      expect(await verifyAccessToken(t.service.identity, tokens.access_token)).toBeUndefined();
      expect(await oauthErrorOf(oauth.refreshTokenGrant(config, tokens.refresh_token!))).toBe(
        'invalid_grant',
      );
    });

    it('alg none, a foreign key, a wrong audience or type, and tampering', async () => {
      const { tokens } = await tokensFor(setup);
      const claims = decodeJwt(tokens.access_token);
      const { kid } = decodeProtectedHeader(tokens.access_token);
      const foreign = await generateKeyPair('ES256');
      const none = new UnsecuredJWT(claims).encode();
      const wrongKey = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid, typ: 'at+jwt' })
        .sign(foreign.privateKey);
      const [h, , s] = tokens.access_token.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, locationId: 'elsewhere' })).toString('base64url')}.${s}`;
      const identityToken = setup.user.accessToken; // identity's own user token: another typ and audience
      const config = await configFor(setup.clientId, setup.clientSecret);
      for (const token of [none, wrongKey, tampered, identityToken, 'garbage']) {
        expect(await verifyAccessToken(t.service.identity, token)).toBeUndefined();
        expect(await oauth.tokenIntrospection(config, token)).toMatchObject({ active: false });
      }
      expect(await verifyAccessToken(t.service.identity, '')).toBeUndefined();
      expect(await verifyAccessToken(t.service.identity, tokens.access_token)).toBeDefined();
    });
  });
});
