import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { literal } from '../../mapping.js';

// Serelo's token pair (login and refresh): access token 24 h, refresh token 30 days.

export const TokensFields = graphql(`
  fragment SereloTokens on AuthTokens {
    accessToken
    refreshToken
    tokenType
  }
`);

export const tokensSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('bearer'),
});

export function tokensToRest(ref: FragmentOf<typeof TokensFields>): z.input<typeof tokensSchema> {
  const t = readFragment(TokensFields, ref);
  return {
    access_token: t.accessToken,
    refresh_token: t.refreshToken,
    token_type: literal(t.tokenType, ['bearer']),
  };
}
