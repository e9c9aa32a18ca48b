import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import { SocialAccountFields, socialAccountSchema, socialAccountToRest } from './shapes/social-account.js';

// Serelo "Social Accounts" (identity's src/connections/social.ts): connecting Facebook is an OAuth
// flow (302s: forwards to identity), the list and the disconnect are GraphQL. Facebook's callback is
// step 4 of the spec's flow but has no row in its table: it is served beyond the spec at
// /api/v1/social/facebook/callback (the redirect_uri identity gives Facebook), and ends in a 302 to
// Serelo's frontend with `status=success|error`. Without FACEBOOK_APP_ID/_SECRET, connect answers 403
// FEATURE_NOT_AVAILABLE (as billing does without Paystack).

export const socialRoutes = [
  route.forward({
    method: 'GET',
    path: '/api/v1/social/facebook/connect',
    section: 'social',
    summary: 'Connect Facebook',
    description:
      "Initiate Facebook OAuth flow: 302 to Facebook's login dialog (state single-use, 10 minutes). Facebook redirects to the callback, which reads the user's pages (Graph API me/accounts) and seals every token.",
    auth: 'required',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/social/facebook/connect' },
    request: {
      query: z.object({
        redirect_uri: z.string().optional().describe('a frontend URL of the allowlist to return to'),
      }),
    },
    response: { status: 302, description: 'Redirects to Facebook OAuth authorization page' },
    errors: [400, 403, 502],
  }),
  route.forward({
    method: 'GET',
    path: '/api/v1/social/facebook/callback',
    section: 'social',
    summary: "Facebook's OAuth callback",
    beyondSpec:
      'step 4 of the spec\'s Facebook OAuth flow ("Facebook redirects to callback URL"), which names no path',
    auth: 'none',
    rateLimit: 'general',
    forward: { service: 'identity', path: '/internal/social/facebook/callback' },
    request: {
      query: z.object({ code: z.string().optional(), state: z.string(), error: z.string().optional() }),
    },
    response: { status: 302, description: "Redirects to Serelo's frontend with the outcome" },
    errors: [400, 403],
  }),
  route.operation({
    method: 'GET',
    path: '/api/v1/social/accounts',
    section: 'social',
    summary: 'List connected accounts',
    description: 'Get all connected social accounts (tokens masked: they are sealed).',
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SereloSocialAccounts {
          socialAccounts {
            ...SereloSocialAccount
          }
        }
      `,
      [SocialAccountFields],
    ),
    response: {
      status: 200,
      description: 'The connected accounts',
      schema: z.object({ accounts: z.array(socialAccountSchema), total: z.number().int() }),
      body: (data) => ({
        accounts: data.socialAccounts.map(socialAccountToRest),
        total: data.socialAccounts.length,
      }),
    },
    errors: [],
  }),
  route.operation({
    method: 'DELETE',
    path: '/api/v1/social/accounts/{account_id}',
    section: 'social',
    summary: 'Disconnect social account',
    description: 'Remove social account connection. Scheduled posts for this account will fail to publish.',
    auth: 'required',
    rateLimit: 'general',
    request: { params: z.object({ account_id: z.string().min(1).max(100) }) },
    operation: graphql(`
      mutation SereloDisconnectSocialAccount($id: ID!) {
        disconnectSocialAccount(accountId: $id)
      }
    `),
    variables: ({ params }) => ({ id: params.account_id }),
    response: { status: 204, description: 'Disconnected' },
    errors: [404],
  }),
];
