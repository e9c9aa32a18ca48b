import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { literal } from '../../mapping.js';

// SerenAI's user (humans and agents alike), and the login result that carries one.

export const UserFields = graphql(`
  fragment UserFields on User {
    id
    email
    name
    kind
    emailVerified
    createdAt
    updatedAt
  }
`);

export const userSchema = z.object({
  id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  email_verified: z.boolean(),
  is_agent: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function userToRest(ref: FragmentOf<typeof UserFields>): z.input<typeof userSchema> {
  const u = readFragment(UserFields, ref);
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    email_verified: u.emailVerified,
    is_agent: u.kind === 'AGENT',
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

export const LoginResultFields = graphql(
  `
    fragment LoginResultFields on AuthTokens {
      accessToken
      refreshToken
      tokenType
      expiresIn
      user {
        ...UserFields
      }
    }
  `,
  [UserFields],
);

export const loginResultSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
  user: userSchema,
});

export function loginResultToRest(
  ref: FragmentOf<typeof LoginResultFields>,
): z.input<typeof loginResultSchema> {
  const t = readFragment(LoginResultFields, ref);
  return {
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    token_type: literal(t.tokenType, ['bearer']),
    expires_in: t.expiresIn,
    user: userToRest(t.user),
  };
}
