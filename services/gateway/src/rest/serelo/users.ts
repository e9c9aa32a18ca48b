import { z } from 'zod';
import { route } from './route.js';

// Serelo "Users" (and "Get Current User" from its Authentication section).
// GET /api/v1/users/me is the gateway's cross-subgraph proof: identity's user joined with content's
// plan and quota in one operation. PATCH /users/me and change-password are identity's alone.

const quota = z.object({
  posts_used: z.number().int(),
  posts_limit: z.number().int().nullable().describe('null on plans without a limit'),
  reset_date: z.string(),
});

export const currentUser = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  subscription_tier: z.string(),
  quota,
  created_at: z.string(),
});

export const usersRoutes = [
  route.operation({
    method: 'GET',
    path: '/api/v1/users/me',
    section: 'users',
    summary: 'Get current user',
    description: "The authenticated user's profile with their plan and monthly quota.",
    auth: 'required',
    rateLimit: 'general',
    operation: /* GraphQL */ `
      query SereloCurrentUser {
        me {
          id
          email
          name
          createdAt
          subscriptionTier
          quota {
            postsUsed
            postsLimit
            resetDate
          }
        }
      }
    `,
    response: {
      status: 200,
      description: 'The current user',
      schema: currentUser,
      body: ({ me }) => {
        if (!me) return undefined;
        return {
          id: me.id,
          email: me.email,
          name: me.name,
          subscription_tier: me.subscriptionTier,
          quota: {
            posts_used: me.quota.postsUsed,
            posts_limit: me.quota.postsLimit,
            reset_date: me.quota.resetDate,
          },
          created_at: me.createdAt,
        };
      },
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
    request: { body: z.object({ name: z.string().nullish() }) },
    operation: /* GraphQL */ `
      mutation SereloUpdateProfile($name: String) {
        updateMe(name: $name) {
          id
          email
          name
          updatedAt
          subscriptionTier
        }
      }
    `,
    variables: ({ body }) => ({ name: body.name ?? null }),
    response: {
      status: 200,
      description: 'The updated profile',
      schema: z.object({
        id: z.string(),
        email: z.string().nullable(),
        name: z.string(),
        subscription_tier: z.string(),
        updated_at: z.string(),
      }),
      body: ({ updateMe: u }) => ({
        id: u.id,
        email: u.email,
        name: u.name,
        subscription_tier: u.subscriptionTier,
        updated_at: u.updatedAt,
      }),
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
    request: { body: z.object({ current_password: z.string(), new_password: z.string() }) },
    operation: /* GraphQL */ `
      mutation SereloChangePassword($current: String!, $next: String!) {
        changePassword(currentPassword: $current, newPassword: $next)
      }
    `,
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
