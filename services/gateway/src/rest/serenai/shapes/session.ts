import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's login session of the caller.

export const SessionFields = graphql(`
  fragment SessionFields on Session {
    id
    ipAddress
    userAgent
    createdAt
    lastActiveAt
    expiresAt
    isCurrent
  }
`);

export const sessionSchema = z.object({
  id: z.string(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  last_active_at: z.string(),
  expires_at: z.string(),
  is_current: z.boolean(),
});

export function sessionToRest(ref: FragmentOf<typeof SessionFields>): z.input<typeof sessionSchema> {
  const s = readFragment(SessionFields, ref);
  return {
    id: s.id,
    ip_address: s.ipAddress,
    user_agent: s.userAgent,
    created_at: s.createdAt,
    last_active_at: s.lastActiveAt,
    expires_at: s.expiresAt,
    is_current: s.isCurrent,
  };
}

/** What a revocation answers: how many sessions ended. */
export const revokedSchema = z.object({ revoked_count: z.number().int() });
