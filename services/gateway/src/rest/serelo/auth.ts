import { z } from 'zod';
import { route } from './route.js';

// Serelo "Authentication" (identity): register, login, refresh. Errors: 400 VALIDATION_ERROR,
// 409 EMAIL_EXISTS, 401 INVALID_CREDENTIALS / TOKEN_EXPIRED / TOKEN_INVALID (identity sets them
// as `extensions.reason`). `subscription_tier` comes from the content subgraph's User fields.

const tokens = {
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
};

export const authRoutes = [
  route.operation({
    method: 'POST',
    path: '/api/v1/auth/register',
    section: 'auth',
    summary: 'Register',
    description:
      'Email: valid, unique, max 255. Password: min 8 with upper, lower, number and special character. Name: 1-100.',
    auth: 'none',
    rateLimit: 'register',
    // Types only here: identity applies the documented rules and names the failing field.
    request: { body: z.object({ email: z.string(), password: z.string(), name: z.string() }) },
    operation: /* GraphQL */ `
      mutation SereloRegister($email: String!, $password: String!, $name: String!) {
        register(email: $email, password: $password, name: $name) {
          id
          email
          name
          createdAt
          subscriptionTier
        }
      }
    `,
    variables: ({ body }) => ({ email: body.email, password: body.password, name: body.name }),
    response: {
      status: 201,
      description: 'Created',
      schema: z.object({
        id: z.string(),
        email: z.string(),
        name: z.string(),
        subscription_tier: z.string(),
        created_at: z.string(),
      }),
      body: ({ register: u }) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        subscription_tier: u.subscriptionTier,
        created_at: u.createdAt,
      }),
    },
    errors: [400, 409],
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/auth/login',
    section: 'auth',
    summary: 'Login',
    description: 'Access token: 24 hours. Refresh token: 30 days.',
    auth: 'none',
    rateLimit: 'login',
    request: { body: z.object({ email: z.string().min(1), password: z.string().min(1) }) },
    operation: /* GraphQL */ `
      mutation SereloLogin($email: String!, $password: String!) {
        login(email: $email, password: $password) {
          accessToken
          refreshToken
          tokenType
          user {
            id
            email
            name
            subscriptionTier
          }
        }
      }
    `,
    variables: ({ body }) => ({ email: body.email, password: body.password }),
    response: {
      status: 200,
      description: 'OK',
      schema: z.object({
        ...tokens,
        user: z.object({
          id: z.string(),
          email: z.string(),
          name: z.string(),
          subscription_tier: z.string(),
        }),
      }),
      body: ({ login: l }) => ({
        access_token: l.accessToken,
        refresh_token: l.refreshToken,
        token_type: l.tokenType,
        user: {
          id: l.user.id,
          email: l.user.email,
          name: l.user.name,
          subscription_tier: l.user.subscriptionTier,
        },
      }),
    },
    errors: [400, 401],
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/auth/refresh',
    section: 'auth',
    summary: 'Refresh token',
    description:
      'The refresh token rotates: use the new one next time. Reusing a spent one revokes the session.',
    auth: 'none',
    rateLimit: 'refresh',
    request: { body: z.object({ refresh_token: z.string().min(1) }) },
    operation: /* GraphQL */ `
      mutation SereloRefresh($token: String!) {
        refreshTokens(refreshToken: $token) {
          accessToken
          refreshToken
          tokenType
        }
      }
    `,
    variables: ({ body }) => ({ token: body.refresh_token }),
    response: {
      status: 200,
      description: 'OK',
      schema: z.object(tokens),
      body: ({ refreshTokens: t }) => ({
        access_token: t.accessToken,
        refresh_token: t.refreshToken,
        token_type: t.tokenType,
      }),
    },
    errors: [400, 401],
  }),
];
