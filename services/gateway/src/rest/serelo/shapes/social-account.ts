import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { literal } from '../../mapping.js';

// Serelo's social account (identity's src/connections/social.ts): a connected Facebook account and
// the pages it manages. The spec's `access_token` fields show "encrypted_token": the tokens are
// sealed in identity's vault, and what is shown is their masked form (`…wxyz`), never a token.

export const SocialAccountFields = graphql(`
  fragment SereloSocialAccount on SocialAccount {
    id
    userId
    platform
    platformUserId
    platformUsername
    accessToken
    tokenExpiresAt
    pages {
      pageId
      pageName
      accessToken
    }
    createdAt
  }
`);

export const socialAccountSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  platform: z.literal('facebook'),
  platform_user_id: z.string(),
  platform_username: z.string().nullable(),
  access_token: z.string().describe('masked (…wxyz): the token itself is sealed'),
  token_expires_at: z.string().nullable(),
  pages: z.array(
    z.object({
      page_id: z.string(),
      page_name: z.string(),
      access_token: z.string().describe('masked (…wxyz): the page token itself is sealed'),
    }),
  ),
  created_at: z.string(),
});

export function socialAccountToRest(
  ref: FragmentOf<typeof SocialAccountFields>,
): z.input<typeof socialAccountSchema> {
  const a = readFragment(SocialAccountFields, ref);
  return {
    id: a.id,
    user_id: a.userId,
    platform: literal(a.platform, ['facebook']),
    platform_user_id: a.platformUserId,
    platform_username: a.platformUsername,
    access_token: a.accessToken,
    token_expires_at: a.tokenExpiresAt,
    pages: a.pages.map((p) => ({ page_id: p.pageId, page_name: p.pageName, access_token: p.accessToken })),
    created_at: a.createdAt,
  };
}
