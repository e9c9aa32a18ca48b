import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's organization member: the user's basic details and their role in the organization.

export const MemberFields = graphql(`
  fragment MemberFields on Member {
    id
    organizationId
    joinedAt
    role {
      id
      name
    }
    user {
      id
      email
      name
    }
  }
`);

export const memberSchema = z.object({
  user_id: z.string(),
  organization_id: z.string(),
  email: z.string().nullable(),
  name: z.string(),
  role: z.string(),
  role_id: z.string(),
  joined_at: z.string(),
});

export function memberToRest(ref: FragmentOf<typeof MemberFields>): z.input<typeof memberSchema> {
  const m = readFragment(MemberFields, ref);
  return {
    user_id: m.id,
    organization_id: m.organizationId,
    email: m.user.email,
    name: m.user.name,
    role: m.role.name,
    role_id: m.role.id,
    joined_at: m.joinedAt,
  };
}
