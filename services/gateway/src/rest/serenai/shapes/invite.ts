import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { lower } from '../../mapping.js';

// SerenAI's organization invite. The invite token travels only in the mail: it has no field here.

export const InviteFields = graphql(`
  fragment InviteFields on Invite {
    id
    organizationId
    email
    status
    invitedBy
    createdAt
    expiresAt
    acceptedAt
    role {
      id
      name
    }
  }
`);

export const inviteSchema = z.object({
  id: z.string(),
  organization_id: z.string(),
  email: z.string(),
  role: z.string(),
  role_id: z.string(),
  status: z.enum(['pending', 'accepted', 'expired']),
  invited_by: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  accepted_at: z.string().nullable(),
});

export function inviteToRest(ref: FragmentOf<typeof InviteFields>): z.input<typeof inviteSchema> {
  const i = readFragment(InviteFields, ref);
  return {
    id: i.id,
    organization_id: i.organizationId,
    email: i.email,
    role: i.role.name,
    role_id: i.role.id,
    status: lower(i.status),
    invited_by: i.invitedBy,
    created_at: i.createdAt,
    expires_at: i.expiresAt,
    accepted_at: i.acceptedAt,
  };
}
