import type { Identity } from '../platform/app.js';
import type { SerebroTokenExtraClaims } from './claims.js';
import { ACCESS_TOKEN_TTL_SECONDS, type SerebroAuthorizationServer } from './provider.js';
import { verifyAccessToken } from './verify.js';

type Refusal = { status: number; error: string; description: string };

/**
 * HighLevel's `POST /oauth/locationToken`: an agency (Company) access token with `oauth.write`
 * becomes a token for one of the agency's locations (form `companyId`, `locationId`), with the
 * agency grant's scopes and no refresh token. The token is oidc-provider's own AccessToken model,
 * signed like every other; it belongs to the agency's grant, so uninstalling the agency app (or
 * any other death of that grant) ends it too.
 */
export async function issueLocationToken(
  identity: Identity,
  server: SerebroAuthorizationServer,
  token: string,
  input: { companyId?: string; locationId?: string },
): Promise<{ body: Record<string, unknown> } | Refusal> {
  const agency = token ? await verifyAccessToken(identity, token) : undefined;
  if (!agency)
    return { status: 401, error: 'invalid_token', description: 'the access token is invalid or expired' };
  if (agency.authClass !== 'Company' || !agency.companyId || !agency.grantId)
    return { status: 403, error: 'insufficient_scope', description: 'an agency (Company) token is required' };
  if (!agency.scopes.includes('oauth.write'))
    return { status: 403, error: 'insufficient_scope', description: 'the token lacks the oauth.write scope' };
  if (!input.companyId || !input.locationId)
    return { status: 400, error: 'invalid_request', description: 'companyId and locationId are required' };
  if (input.companyId !== agency.companyId)
    return { status: 400, error: 'invalid_request', description: 'companyId is not the token’s agency' };
  const rows: { id: string }[] = await identity.dataSource.query(
    `select id from organizations where id = $1 and kind = 'location' and parent_id = $2`,
    [input.locationId, agency.companyId],
  );
  if (!rows[0])
    return { status: 400, error: 'invalid_request', description: 'the location is not one of the agency’s' };

  const provider = await server.provider();
  const client = await provider.Client.find(agency.clientId);
  if (!client) return { status: 401, error: 'invalid_token', description: 'the app is gone' };
  const scope = agency.scopes.join(' ');
  const accessToken = new provider.AccessToken({
    accountId: agency.userId,
    client,
    grantId: agency.grantId,
    scope,
    gty: 'location_token',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
    resourceServer: serebroResourceServer(server.audience, scope),
  });
  const extra: SerebroTokenExtraClaims = {
    authClass: 'Location',
    app_id: agency.appId,
    companyId: agency.companyId,
    locationId: input.locationId,
    grant_id: agency.grantId,
    ...(agency.installId && { install_id: agency.installId }),
  };
  accessToken.extra = { ...extra };
  const value = await accessToken.save();
  const body = {
    access_token: value,
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_TTL_SECONDS,
    scope,
    userType: 'Location',
    companyId: agency.companyId,
    locationId: input.locationId,
    userId: agency.userId,
    ...(agency.installId && { installId: agency.installId }),
  };
  return { body };
}

/** The shape oidc-provider's token models expect of a resource server (its own class is not exported). */
function serebroResourceServer(audience: string, scope: string) {
  return {
    audience,
    scope,
    accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'ES256' } },
    identifier: () => audience,
    get scopes() {
      return new Set(scope.split(' '));
    },
  };
}
