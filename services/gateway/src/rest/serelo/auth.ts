import { emailInput, passwordInput, personNameInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { route } from './route.js';
import { TokensFields, tokensSchema, tokensToRest } from './shapes/tokens.js';
import {
  LoginUserFields,
  loginUserSchema,
  loginUserToRest,
  RegisteredUserFields,
  registeredUserSchema,
  registeredUserToRest,
} from './shapes/user.js';

// Serelo "Authentication" (identity): register, login, refresh. Errors: 400 VALIDATION_ERROR,
// 409 EMAIL_EXISTS, 401 INVALID_CREDENTIALS / TOKEN_EXPIRED / TOKEN_INVALID (identity sets them
// as `extensions.reason`). `subscription_tier` comes from the content subgraph's User fields.

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
    request: { body: z.object({ email: emailInput, password: passwordInput, name: personNameInput }) },
    operation: graphql(
      `
        mutation SereloRegister($email: String!, $password: String!, $name: String!) {
          register(email: $email, password: $password, name: $name) {
            ...SereloRegisteredUser
          }
        }
      `,
      [RegisteredUserFields],
    ),
    variables: ({ body }) => ({ email: body.email, password: body.password, name: body.name }),
    response: {
      status: 201,
      description: 'Created',
      schema: registeredUserSchema,
      body: (data) => registeredUserToRest(data.register),
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
    operation: graphql(
      `
        mutation SereloLogin($email: String!, $password: String!) {
          login(email: $email, password: $password) {
            ...SereloTokens
            user {
              ...SereloLoginUser
            }
          }
        }
      `,
      [TokensFields, LoginUserFields],
    ),
    variables: ({ body }) => ({ email: body.email, password: body.password }),
    response: {
      status: 200,
      description: 'OK',
      schema: tokensSchema.extend({ user: loginUserSchema }),
      body: ({ login }) => ({ ...tokensToRest(login), user: loginUserToRest(login.user) }),
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
    operation: graphql(
      `
        mutation SereloRefresh($token: String!) {
          refreshTokens(refreshToken: $token) {
            ...SereloTokens
          }
        }
      `,
      [TokensFields],
    ),
    variables: ({ body }) => ({ token: body.refresh_token }),
    response: {
      status: 200,
      description: 'OK',
      schema: tokensSchema,
      body: (data) => tokensToRest(data.refreshTokens),
    },
    errors: [400, 401],
  }),
];
