import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { present } from '../../mapping.js';

// Serelo's user, as its endpoints show it: registered, logged in, the current user (identity's user
// joined with content's plan and quota) and the updated profile. Serelo accounts always have an
// email (registration requires one); the graph's `User.email` is nullable for SerenAI's agents.

const email = (value: string | null) => present(value, 'the email of a Serelo account');

export const RegisteredUserFields = graphql(`
  fragment SereloRegisteredUser on User {
    id
    email
    name
    createdAt
    subscriptionTier
  }
`);

export const registeredUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  subscription_tier: z.string(),
  created_at: z.string(),
});

export function registeredUserToRest(
  ref: FragmentOf<typeof RegisteredUserFields>,
): z.input<typeof registeredUserSchema> {
  const u = readFragment(RegisteredUserFields, ref);
  return {
    id: u.id,
    email: email(u.email),
    name: u.name,
    subscription_tier: u.subscriptionTier,
    created_at: u.createdAt,
  };
}

export const LoginUserFields = graphql(`
  fragment SereloLoginUser on User {
    id
    email
    name
    subscriptionTier
  }
`);

export const loginUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  subscription_tier: z.string(),
});

export function loginUserToRest(ref: FragmentOf<typeof LoginUserFields>): z.input<typeof loginUserSchema> {
  const u = readFragment(LoginUserFields, ref);
  return { id: u.id, email: email(u.email), name: u.name, subscription_tier: u.subscriptionTier };
}

export const CurrentUserFields = graphql(`
  fragment SereloCurrentUser on User {
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
`);

export const currentUserSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  subscription_tier: z.string(),
  quota: z.object({
    posts_used: z.number().int(),
    posts_limit: z.number().int().nullable().describe('null on plans without a limit'),
    reset_date: z.string(),
  }),
  created_at: z.string(),
});

export function currentUserToRest(
  ref: FragmentOf<typeof CurrentUserFields>,
): z.input<typeof currentUserSchema> {
  const u = readFragment(CurrentUserFields, ref);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    subscription_tier: u.subscriptionTier,
    quota: {
      posts_used: u.quota.postsUsed,
      posts_limit: u.quota.postsLimit,
      reset_date: u.quota.resetDate,
    },
    created_at: u.createdAt,
  };
}

export const UpdatedProfileFields = graphql(`
  fragment SereloUpdatedProfile on User {
    id
    email
    name
    updatedAt
    subscriptionTier
  }
`);

export const updatedProfileSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  subscription_tier: z.string(),
  updated_at: z.string(),
});

export function updatedProfileToRest(
  ref: FragmentOf<typeof UpdatedProfileFields>,
): z.input<typeof updatedProfileSchema> {
  const u = readFragment(UpdatedProfileFields, ref);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    subscription_tier: u.subscriptionTier,
    updated_at: u.updatedAt,
  };
}
