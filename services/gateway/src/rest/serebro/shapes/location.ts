import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serebro's location (HighLevel's sub-account): identity's organization of kind LOCATION. HighLevel's
// body has many optional fields (address, city, state, country, postalCode, website, timezone,
// email, phone, business, social, settings); identity holds none of them yet, so they are absent,
// as HighLevel leaves out what a sub-account has not set.

export const LocationFields = graphql(`
  fragment LocationFields on Organization {
    id
    name
    kind
    parent {
      id
    }
  }
`);

export const locationSchema = z.object({
  id: z.string(),
  companyId: z.string().nullable().describe('the agency (company) the location belongs to'),
  name: z.string(),
});

/** The location, or undefined when the organization is not a location (an agency, a team). */
export function locationToRest(
  ref: FragmentOf<typeof LocationFields>,
): z.input<typeof locationSchema> | undefined {
  const o = readFragment(LocationFields, ref);
  if (o.kind !== 'LOCATION') return undefined;
  return { id: o.id, companyId: o.parent?.id ?? null, name: o.name };
}
