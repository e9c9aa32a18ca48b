/**
 * What a Serebro OAuth access token says, for the edge (`verifyAccessToken` in verify.ts).
 *
 * Access tokens are ES256 JWTs signed with identity's rotating keys (header `typ: at+jwt`, `kid`),
 * issuer SEREBRO_PUBLIC_URL, audience `<SEREBRO_PUBLIC_URL>/v2` (the Serebro v2 API), 24 h. Claims:
 *
 * | claim        | what                                                                                   |
 * | ------------ | -------------------------------------------------------------------------------------- |
 * | `sub`        | the installing user (identity user id); the client id for client-credentials tokens    |
 * | `client_id`  | the marketplace app's client id                                                        |
 * | `scope`      | canonical scope names (`contacts:read ...`), space-separated                           |
 * | `authClass`  | `Location` or `Company` (HighLevel's names), `App` for client-credentials tokens       |
 * | `locationId` | the identity organization id of the location (Location tokens)                         |
 * | `companyId`  | the identity organization id of the agency (Company tokens; also on Location tokens whose location has an agency) |
 * | `grant_id`   | the authorization grant (absent on client-credentials tokens)                          |
 * | `install_id` | the marketplace install the grant came from (absent on client-credentials tokens)      |
 * | `app_id`     | the marketplace app                                                                    |
 */
export type OAuthAuthClass = 'Location' | 'Company' | 'App';

export interface OAuthTokenCaller {
  /** the token's `jti` */
  tokenId: string;
  clientId: string;
  appId: string;
  authClass: OAuthAuthClass;
  /** `locationId` for Location tokens, `companyId` for Company tokens, absent for App tokens */
  organizationId?: string;
  locationId?: string;
  companyId?: string;
  /** the installing user; absent for App (client-credentials) tokens */
  userId?: string;
  /** canonical scope names */
  scopes: string[];
  grantId?: string;
  installId?: string;
  expiresAt: Date;
}

/** The claims identity adds to oidc-provider's (`extraTokenClaims`), as they appear in the JWT. */
export interface SerebroTokenExtraClaims {
  authClass: OAuthAuthClass;
  app_id: string;
  locationId?: string;
  companyId?: string;
  grant_id?: string;
  install_id?: string;
}

/** The Serebro v2 API: the one resource server, and the `aud` of every access token. */
export const serebroAudience = (publicUrl: string) => `${publicUrl.replace(/\/$/, '')}/v2`;
