import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// SerenAI's permission of the catalog (`resource.action`, e.g. `org.manage_members`).

export const PermissionFields = graphql(`
  fragment PermissionFields on Permission {
    id
    name
    resourceType
    action
    description
    createdAt
  }
`);

export const permissionSchema = z.object({
  id: z.string(),
  name: z.string(),
  resource_type: z.string(),
  action: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
});

export function permissionToRest(ref: FragmentOf<typeof PermissionFields>): z.input<typeof permissionSchema> {
  const p = readFragment(PermissionFields, ref);
  return {
    id: p.id,
    name: p.name,
    resource_type: p.resourceType,
    action: p.action,
    description: p.description,
    created_at: p.createdAt,
  };
}
