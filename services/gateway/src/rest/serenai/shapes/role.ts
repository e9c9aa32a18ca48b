import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's role: built-in (organization_id null, read-only) or custom to one organization.

export const RoleFields = graphql(`
  fragment RoleFields on Role {
    id
    organizationId
    name
    description
    permissions
    isBuiltin
    createdAt
    updatedAt
  }
`);

export const roleSchema = z.object({
  id: z.string(),
  organization_id: z.string().nullable().describe('null for built-in roles'),
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(z.string()),
  is_builtin: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function roleToRest(ref: FragmentOf<typeof RoleFields>): z.input<typeof roleSchema> {
  const r = readFragment(RoleFields, ref);
  return {
    id: r.id,
    organization_id: r.organizationId,
    name: r.name,
    description: r.description,
    permissions: [...r.permissions],
    is_builtin: r.isBuiltin,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}
