import { passwordInput, personNameInput } from '@seren/contracts';
import { z } from 'zod';
import { graphql } from '../graphql.js';
import { present } from '../mapping.js';
import { route } from './route.js';
import {
  CurrentUserFields,
  currentUserSchema,
  currentUserToRest,
  UpdatedProfileFields,
  updatedProfileSchema,
  updatedProfileToRest,
} from './shapes/user.js';

// Serelo "Users" (and "Get Current User" from its Authentication section).
// GET /api/v1/users/me is the gateway's cross-subgraph proof: identity's user joined with content's
// plan and quota in one operation. PATCH /users/me and change-password are identity's alone.

export const usersRoutes = [
  route.operation({
    method: 'GET',
    path: '/api/v1/users/me',
    section: 'users',
    summary: 'Get current user',
    description: "The authenticated user's profile with their plan and monthly quota.",
    auth: 'required',
    rateLimit: 'general',
    operation: graphql(
      `
        query SereloCurrentUser {
          me {
            ...SereloCurrentUser
          }
        }
      `,
      [CurrentUserFields],
    ),
    response: {
      status: 200,
      description: 'The current user',
      schema: currentUserSchema,
      // The route requires a caller, so `me` is never null here.
      body: (data) => currentUserToRest(present(data.me, 'me of an authenticated caller')),
    },
  }),
  route.operation({
    method: 'PATCH',
    path: '/api/v1/users/me',
    section: 'users',
    summary: 'Update profile',
    description: 'Name: 1-100 characters.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ name: personNameInput.nullish() }) },
    operation: graphql(
      `
        mutation SereloUpdateProfile($name: String) {
          updateMe(name: $name) {
            ...SereloUpdatedProfile
          }
        }
      `,
      [UpdatedProfileFields],
    ),
    variables: ({ body }) => ({ name: body.name ?? null }),
    response: {
      status: 200,
      description: 'The updated profile',
      schema: updatedProfileSchema,
      body: (data) => updatedProfileToRest(data.updateMe),
    },
    errors: [400],
  }),
  route.operation({
    method: 'POST',
    path: '/api/v1/users/change-password',
    section: 'users',
    summary: 'Change password',
    description: 'Other sessions of the user end; the current one stays.',
    auth: 'required',
    rateLimit: 'general',
    request: { body: z.object({ current_password: z.string(), new_password: passwordInput }) },
    operation: graphql(`
      mutation SereloChangePassword($current: String!, $next: String!) {
        changePassword(currentPassword: $current, newPassword: $next)
      }
    `),
    variables: ({ body }) => ({ current: body.current_password, next: body.new_password }),
    response: {
      status: 200,
      description: 'Password updated',
      schema: z.object({ message: z.string() }),
      body: () => ({ message: 'Password updated successfully' }),
    },
    errors: [400],
  }),
];
