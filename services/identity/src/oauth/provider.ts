import { createHmac, hkdfSync } from 'node:crypto';
import { decodeJwt } from 'jose';
import type Provider from 'oidc-provider';
import type { AdapterPayload, Configuration, KoaContextWithOIDC, TokenInstance } from 'oidc-provider';
import { SEREBRO_SCOPES } from '@seren/contracts';
import type { Identity } from '../platform/app.js';
import { findAppClient } from '../marketplace/apps.js';
import { postgresAdapter, sweepExpired } from './adapter.js';
import { serebroAudience, type SerebroTokenExtraClaims } from './claims.js';
import { grantOf, markGrantRevoked } from './grants.js';
import { PAGE_HEADERS, renderErrorPage } from './pages.js';

/** Lifetimes as HighLevel's: access 24 h (`expires_in` 86399), refresh tokens 1 year. */
export const ACCESS_TOKEN_TTL_SECONDS = 86_399;
export const REFRESH_TOKEN_TTL_SECONDS = 365 * 24 * 3600;
const AUTHORIZATION_CODE_TTL_SECONDS = 60;
const GRANT_TTL_SECONDS = 10 * 365 * 24 * 3600;
const INTERACTION_TTL_SECONDS = 3600;

/** The public paths of the authorization server (the gateway forwards them to identity as they are). */
export const OAUTH_PATHS = {
  authorization: '/v2/oauth/chooselocation',
  token: '/v2/oauth/token',
  jwks: '/v2/oauth/jwks',
  revocation: '/v2/oauth/revoke',
  introspection: '/v2/oauth/introspect',
  consent: '/v2/oauth/consent',
} as const;

export interface OAuthServerSettings {
  /** SEREBRO_PUBLIC_URL: the issuer, and the base of every endpoint */
  publicUrl: string;
  /** the secret the cookie keys and the clients' provider-side secrets are derived from */
  secret: string;
}

/**
 * Serebro's OAuth 2.0 authorization server: oidc-provider configured for plain OAuth (no OpenID
 * Connect), with identity's PostgreSQL adapter, identity's signing keys and the marketplace app
 * registry as its clients. Rebuilt when the signing keys rotate, since oidc-provider's keystore is
 * fixed at construction (the adapter's data is shared, so nothing is lost in a rebuild).
 */
export class SerebroAuthorizationServer {
  readonly issuer: string;
  readonly audience: string;
  private current?: { kids: string; provider: Provider };
  private building?: Promise<Provider>;
  private readonly clientSecretKey: Uint8Array;
  private readonly cookieKeys: string[];

  constructor(
    private readonly identity: Identity,
    settings: OAuthServerSettings,
  ) {
    this.issuer = settings.publicUrl.replace(/\/$/, '');
    this.audience = serebroAudience(this.issuer);
    const derive = (info: string) =>
      new Uint8Array(hkdfSync('sha256', settings.secret, 'seren-identity', info, 32));
    this.clientSecretKey = derive('oauth/client-secret/v1');
    this.cookieKeys = [Buffer.from(derive('oauth/cookies/v1')).toString('base64url')];
  }

  /**
   * The secret oidc-provider compares a client's presented secret with. App secrets are stored
   * hashed (the marketplace registry), so the provider cannot compare them: the routes verify the
   * presented secret with `verifyAppSecret` and, when it is right, hand the provider this value
   * instead (routes.ts). It is derived per client from a server secret and never leaves identity.
   */
  providerSecretOf(clientId: string): string {
    return createHmac('sha256', this.clientSecretKey).update(clientId).digest('base64url');
  }

  /** The provider for the current signing keys. */
  async provider(): Promise<Provider> {
    const keys = await this.identity.signingKeys.privateKeys();
    const kids = keys.map((k) => k.kid).join(',');
    if (this.current?.kids === kids) return this.current.provider;
    this.building ??= this.build(keys.map((k) => k.privateJwk)).then(
      (provider) => {
        this.current = { kids, provider };
        this.building = undefined;
        return provider;
      },
      (error: unknown) => {
        this.building = undefined;
        throw error;
      },
    );
    return this.building;
  }

  /** Deletes expired adapter rows. */
  sweep(): Promise<number> {
    return sweepExpired(this.identity.dataSource);
  }

  private async clientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
    const app = await findAppClient(this.identity, clientId);
    if (!app) return undefined;
    return {
      client_id: app.clientId,
      client_secret: this.providerSecretOf(app.clientId),
      client_name: app.name,
      redirect_uris: app.redirectUris,
      grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_post',
      // no `scope` here: the provider knows only resource scopes; routes.ts keeps requests within the app's
    };
  }

  private async build(jwks: object[]): Promise<Provider> {
    const { default: ProviderClass, errors } = await import('oidc-provider');
    const { identity, audience } = this;
    const catalog = SEREBRO_SCOPES.map((s) => s.name).join(' ');

    const configuration: Configuration = {
      adapter: postgresAdapter(
        identity.dataSource,
        (clientId) => this.clientMetadata(clientId),
        (grantId) => markGrantRevoked(identity, grantId),
      ),
      jwks: { keys: jwks },
      // plain OAuth 2.0: no OpenID Connect scopes or claims
      scopes: [],
      claims: {},
      responseTypes: ['code'],
      clientDefaults: {
        grant_types: ['authorization_code', 'refresh_token'],
        id_token_signed_response_alg: 'ES256',
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      enabledJWA: { idTokenSigningAlgValues: ['ES256'] },
      routes: {
        authorization: OAUTH_PATHS.authorization,
        token: OAUTH_PATHS.token,
        jwks: OAUTH_PATHS.jwks,
        revocation: OAUTH_PATHS.revocation,
        introspection: OAUTH_PATHS.introspection,
      },
      // S256 for every client: a request without a code_challenge is refused, `plain` is not supported
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        // a client revokes and introspects its own tokens only (another's: nothing happens / inactive)
        revocation: { enabled: true, allowedPolicy: ownToken },
        introspection: { enabled: true, allowedPolicy: ownToken },
        userinfo: { enabled: false },
        resourceIndicators: {
          enabled: true,
          // every token is for the one resource server, the Serebro v2 API
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== audience) throw new errors.InvalidTarget();
            return {
              scope: catalog,
              audience,
              accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
              accessTokenFormat: 'jwt',
              jwt: { sign: { alg: 'ES256' } },
            };
          },
        },
      },
      ttl: {
        AccessToken: ACCESS_TOKEN_TTL_SECONDS,
        ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
        AuthorizationCode: AUTHORIZATION_CODE_TTL_SECONDS,
        RefreshToken: REFRESH_TOKEN_TTL_SECONDS,
        // a grant lasts as long as its install (an uninstall ends it); each refresh token a year
        Grant: GRANT_TTL_SECONDS,
        Interaction: INTERACTION_TTL_SECONDS,
        Session: INTERACTION_TTL_SECONDS,
      },
      // tokens outlive the browser session of the consent (an install is not a login)
      expiresWithSession: () => false,
      issueRefreshToken: (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) =>
        client.grantTypeAllowed('refresh_token'),
      rotateRefreshToken: true,
      // every authorization asks the user again which location or agency to install on: only the
      // grant the consent step just made counts, never an earlier one of the browser session
      loadExistingGrant: (ctx: {
        oidc: {
          result?: { consent?: { grantId?: string } };
          provider: { Grant: { find(id: string): Promise<unknown> } };
        };
      }) => {
        const grantId = ctx.oidc.result?.consent?.grantId;
        return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
      },
      findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
      extraTokenClaims: (_ctx: unknown, token: TokenInstance) => this.extraClaimsOf(token),
      interactions: {
        url: (_ctx: unknown, interaction: { uid: string }) => `${OAUTH_PATHS.consent}/${interaction.uid}`,
      },
      cookies: { keys: this.cookieKeys },
      renderError: (ctx: KoaContextWithOIDC, out: Record<string, string>) => {
        ctx.type = 'html';
        for (const [name, value] of Object.entries(PAGE_HEADERS)) ctx.set(name, value);
        ctx.body = renderErrorPage(out);
      },
    };

    const provider = new ProviderClass(this.issuer, configuration);
    // behind the gateway: the public host and scheme come from the forwarded headers routes.ts sets
    provider.proxy = true;
    provider.use(async (ctx, next) => {
      await next();
      if (ctx.oidc?.route === 'token' && ctx.status === 200) addHighLevelFields(ctx.body);
      // the resource scopes are the provider's only scopes; RFC 8414 lists them
      if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object')
        (ctx.body as Record<string, unknown>).scopes_supported = catalog.split(' ');
    });
    provider.on('server_error', (_ctx, error) =>
      identity.logger.error({ err: error }, 'oauth: server error'),
    );
    return provider;
  }

  /** What identity adds to an access token (claims.ts), from the grant's install or the app. */
  private async extraClaimsOf(token: TokenInstance): Promise<SerebroTokenExtraClaims | undefined> {
    // a location token (location-token.ts) comes with its claims made
    if (token.extra?.authClass === 'Location' && token.gty === 'location_token')
      return token.extra as unknown as SerebroTokenExtraClaims;
    if (token.grantId) {
      const grant = await grantOf(this.identity, token.grantId);
      if (!grant) return undefined;
      return {
        authClass: grant.authClass,
        app_id: grant.appId,
        ...(grant.locationId && { locationId: grant.locationId }),
        ...(grant.companyId && { companyId: grant.companyId }),
        grant_id: grant.grantId,
        ...(grant.installId && { install_id: grant.installId }),
      };
    }
    // client credentials: the app itself, on no location or agency
    const app = token.clientId ? await findAppClient(this.identity, token.clientId) : undefined;
    return app && { authClass: 'App', app_id: app.appId };
  }
}

const ownToken = (_ctx: unknown, client: { clientId: string }, token: { clientId?: string }) =>
  token.clientId === client.clientId;

/**
 * HighLevel's token response fields besides the standard ones: `userType`, `locationId`,
 * `companyId`, `userId` (read back from the access token just signed).
 */
function addHighLevelFields(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const response = body as Record<string, unknown>;
  if (typeof response.access_token !== 'string') return;
  const claims = decodeJwt(response.access_token) as Partial<SerebroTokenExtraClaims> & { sub?: string };
  if (claims.authClass === 'Location' || claims.authClass === 'Company') {
    response.userType = claims.authClass;
    response.userId = claims.sub;
  }
  if (claims.companyId) response.companyId = claims.companyId;
  if (claims.locationId) response.locationId = claims.locationId;
  if (claims.install_id) response.installId = claims.install_id;
}
