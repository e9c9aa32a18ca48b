import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's project, as every Projects endpoint shows it.

export const ProjectFields = graphql(`
  fragment SereloProject on Project {
    id
    userId
    name
    description
    createdAt
    updatedAt
  }
`);

export const projectSchema = z.object({
  id: z.string(),
  user_id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function projectToRest(ref: FragmentOf<typeof ProjectFields>): z.input<typeof projectSchema> {
  const p = readFragment(ProjectFields, ref);
  return {
    id: p.id,
    user_id: p.userId,
    name: p.name,
    description: p.description,
    created_at: p.createdAt,
    updated_at: p.updatedAt,
  };
}
