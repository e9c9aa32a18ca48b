import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';
import { lower } from '../../mapping.js';

// SerenAI's organization: the fragment every row selects, the documented shape, the mapping.

export const OrganizationFields = graphql(`
  fragment OrganizationFields on Organization {
    id
    name
    kind
    parent {
      id
    }
    ownerId
    createdAt
  }
`);

export const organizationSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['personal', 'team', 'agency', 'location']),
  parent_id: z.string().nullable(),
  owner_id: z.string().nullable(),
  created_at: z.string(),
});

export function organizationToRest(
  ref: FragmentOf<typeof OrganizationFields>,
): z.input<typeof organizationSchema> {
  const o = readFragment(OrganizationFields, ref);
  return {
    id: o.id,
    name: o.name,
    kind: lower(o.kind),
    parent_id: o.parent?.id ?? null,
    owner_id: o.ownerId,
    created_at: o.createdAt,
  };
}

/** The `{organization_id}` path parameter of the organization-scoped sections. */
export const organizationParams = z.object({ organization_id: z.string().min(1) });
