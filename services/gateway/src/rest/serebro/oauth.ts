import { z } from 'zod';
import type { ForwardRoute } from '../types.js';
import { route } from './route.js';

// Serebro v2's OAuth 2.0 authorization server (identity's src/oauth/, on oidc-provider). Every row
// forwards: token endpoints take forms and answer RFC 6749 bodies, authorization answers redirects
// (303) and consent pages, so none of it is GraphQL. Identity serves them under
// /internal/serebro-oauth + the public path, and builds every URL from SEREBRO_PUBLIC_URL.
// The spec names the flows (§2.1: client credentials, authorization code exchange, refresh) but no
// paths: the paths are HighLevel's, so an integrator changes only the base URL.

const IDENTITY = '/internal/serebro-oauth';
const HIGHLEVEL = "HighLevel's OAuth endpoint (spec §2.1 names the flows, not their paths)";
const STANDARD = 'a standard OAuth 2.0 endpoint of the authorization server (spec §2.1)';

const form = 'application/x-www-form-urlencoded';
const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
  scope: z.string(),
  refresh_token: z.string().optional(),
  userType: z.enum(['Location', 'Company']).optional(),
  locationId: z.string().optional(),
  companyId: z.string().optional(),
  userId: z.string().optional(),
  installId: z.string().optional(),
});

const oauthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });
/** What identity answers on these statuses: RFC 6749 §5.2 error bodies, or an HTML error page. */
const oauthErrors = (statuses: number[]) => ({
  statuses,
  description:
    'An OAuth 2.0 error (RFC 6749 §5.2: invalid_request, invalid_client, invalid_grant, invalid_scope...)',
  schema: oauthErrorBody,
});
const pageErrors = (statuses: number[]) => ({
  statuses,
  description: 'An error page for the user (HTML): the request cannot go back to the app',
  contentType: 'text/html',
});

/**
 * Who calls a row, which says what it forwards and how identity answers its errors: an OAuth client
 * (its credentials in `authorization`; RFC 6749 error bodies), the user's browser (the consent
 * cookies; HTML error pages), or anyone (public metadata: nothing forwarded; RFC 6749 bodies).
 */
const callers = {
  client: { headers: ['authorization'], serviceErrors: oauthErrors },
  browser: { headers: ['cookie'], serviceErrors: pageErrors },
  public: { headers: [], serviceErrors: oauthErrors },
} as const;

/** A forward to identity's authorization server. */
const oauth = (row: {
  method: 'GET' | 'POST';
  path: string;
  summary: string;
  beyondSpec: string;
  caller: keyof typeof callers;
  versions?: Array<'v1' | 'v2'>;
  request?: ForwardRoute['request'];
  response: ForwardRoute['response'];
  errors: number[];
  /** the statuses identity may answer (passed through untouched): `errors` unless given */
  serviceStatuses?: number[];
}) =>
  route.forward({
    method: row.method,
    path: row.path,
    section: 'oauth',
    summary: row.summary,
    beyondSpec: row.beyondSpec,
    // clients authenticate to identity themselves (client secret, or the agency token of locationToken)
    auth: 'none',
    rateLimit: 'api',
    versions: row.versions ?? ['v2'],
    forward: {
      service: 'identity',
      path: IDENTITY + (row.versions?.[0] === 'v1' ? '' : '/v2') + row.path,
      headers: [...callers[row.caller].headers],
      passThroughErrors: true,
    },
    request: row.request,
    response: row.response,
    errors: row.errors,
    serviceErrors: callers[row.caller].serviceErrors(row.serviceStatuses ?? row.errors),
    bodyLimit: 64 * 1024,
  });

const uidParams = z.object({ uid: z.string() });
/** RFC 7009's and RFC 7662's form */
const tokenForm = {
  contentType: form,
  body: z.object({ token: z.string(), token_type_hint: z.string().optional() }),
};

const authorizationQuery = z.object({
  response_type: z.literal('code'),
  client_id: z.string(),
  redirect_uri: z.string(),
  scope: z.string().optional().describe("space-separated; the spec's names or HighLevel's"),
  state: z.string().optional(),
  code_challenge: z.string().describe('PKCE S256, required'),
  code_challenge_method: z.literal('S256'),
});

export const oauthRoutes = [
  oauth({
    method: 'POST',
    path: '/oauth/token',
    summary: 'Exchange an authorization code, refresh a token, or get a client-credentials token',
    beyondSpec: HIGHLEVEL,
    caller: 'client',
    request: {
      contentType: form,
      body: z.object({
        grant_type: z.enum(['authorization_code', 'refresh_token', 'client_credentials']),
        client_id: z.string(),
        client_secret: z.string(),
        code: z.string().optional(),
        code_verifier: z.string().optional(),
        redirect_uri: z.string().optional(),
        refresh_token: z.string().optional(),
        scope: z.string().optional(),
        user_type: z.enum(['Location', 'Company']).optional(),
      }),
    },
    response: { status: 200, description: 'The tokens, with HighLevel’s fields', schema: tokenResponse },
    errors: [400, 401],
  }),
  oauth({
    method: 'POST',
    path: '/oauth/locationToken',
    summary: 'Turn an agency (Company) token with oauth.write into a token for one of its locations',
    beyondSpec: HIGHLEVEL,
    caller: 'client',
    request: { contentType: form, body: z.object({ companyId: z.string(), locationId: z.string() }) },
    response: { status: 200, description: 'A location token (no refresh token)', schema: tokenResponse },
    errors: [400, 401, 403],
  }),
  // the authorization endpoint at HighLevel's path and at the standard one
  ...[
    {
      path: '/oauth/chooselocation',
      summary: 'Authorize an app: sign in, pick the location or agency, approve its scopes (303s)',
      beyondSpec: HIGHLEVEL,
    },
    {
      path: '/oauth/authorize',
      summary: 'The authorization endpoint at its standard path (as /oauth/chooselocation)',
      beyondSpec: STANDARD,
    },
  ].map((endpoint) =>
    oauth({
      method: 'GET',
      ...endpoint,
      caller: 'browser',
      request: { query: authorizationQuery },
      response: { status: 303, description: 'To the consent page, or back to the app with code and state' },
      errors: [400],
    }),
  ),
  oauth({
    method: 'GET',
    path: '/oauth/chooselocation/{uid}',
    summary: 'Resume an authorization after a consent step (303)',
    beyondSpec: STANDARD,
    caller: 'browser',
    request: { params: uidParams },
    response: { status: 303, description: 'To the next consent step, or back to the app' },
    errors: [400],
  }),
  oauth({
    method: 'GET',
    path: '/oauth/consent/{uid}',
    summary: 'The sign-in or consent page of an authorization (HTML)',
    beyondSpec: STANDARD,
    caller: 'browser',
    request: { params: uidParams },
    response: { status: 200, description: 'The page', contentType: 'text/html' },
    errors: [400],
  }),
  ...(['login', 'approve', 'deny'] as const).map((step) =>
    oauth({
      method: 'POST',
      path: `/oauth/consent/{uid}/${step}`,
      summary: {
        login: 'Sign in on the consent page (email and password)',
        approve: 'Approve the installation on the chosen location or agency',
        deny: 'Refuse the installation',
      }[step],
      beyondSpec: STANDARD,
      caller: 'browser',
      request: {
        params: uidParams,
        contentType: form,
        body:
          step === 'login'
            ? z.object({ email: z.string(), password: z.string() })
            : step === 'approve'
              ? z.object({ organization_id: z.string() })
              : z.object({}),
      },
      response: { status: 303, description: 'On to the next step, or back to the app' },
      errors: [400, 401],
      serviceStatuses: step === 'login' ? [400, 401] : [400],
    }),
  ),
  oauth({
    method: 'POST',
    path: '/oauth/revoke',
    summary: 'Revoke a refresh token (and its grant) or an access token (RFC 7009)',
    beyondSpec: STANDARD,
    caller: 'client',
    request: tokenForm,
    response: { status: 200, description: 'Revoked, or the token was not valid' },
    errors: [400, 401],
  }),
  oauth({
    method: 'POST',
    path: '/oauth/introspect',
    summary: 'Introspect a token (RFC 7662)',
    beyondSpec: STANDARD,
    caller: 'client',
    request: tokenForm,
    response: { status: 200, description: '{active, ...}' },
    errors: [400, 401],
  }),
  oauth({
    method: 'GET',
    path: '/oauth/jwks',
    summary: "The authorization server's public keys (the access tokens' signatures)",
    beyondSpec: STANDARD,
    caller: 'public',
    response: { status: 200, description: 'A JWK set' },
    errors: [],
    serviceStatuses: [400],
  }),
  oauth({
    method: 'GET',
    path: '/.well-known/oauth-authorization-server',
    summary: 'Authorization server metadata (RFC 8414)',
    beyondSpec: STANDARD,
    caller: 'public',
    // at the root, where RFC 8414 puts the metadata of an issuer without a path (Serebro's `/` mount)
    versions: ['v1'],
    response: { status: 200, description: 'The metadata' },
    errors: [],
    serviceStatuses: [400],
  }),
];
