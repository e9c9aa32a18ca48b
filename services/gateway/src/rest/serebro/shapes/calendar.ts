import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's calendar, for what Serebro holds: name, description, team members (HighLevel's
// `teamMembers: [{userId}]`) and the slot duration in minutes (`slotDurationUnit: 'mins'`).

export const CalendarFields = graphql(`
  fragment CalendarFields on Calendar {
    id
    locationId
    name
    description
    teamMembers
    slotDuration
    isDefault
  }
`);

export const calendarSchema = z.object({
  id: z.string(),
  locationId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  isActive: z.boolean(),
  teamMembers: z.array(z.object({ userId: z.string() })),
  slotDuration: z.number().int(),
  slotDurationUnit: z.literal('mins'),
  isDefault: z.boolean().describe("Serebro's: the calendar the location was created with"),
});

export function calendarToRest(ref: FragmentOf<typeof CalendarFields>): z.input<typeof calendarSchema> {
  const c = readFragment(CalendarFields, ref);
  return {
    id: c.id,
    locationId: c.locationId,
    name: c.name,
    description: c.description ?? null,
    isActive: true,
    teamMembers: c.teamMembers.map((userId) => ({ userId })),
    slotDuration: c.slotDuration,
    slotDurationUnit: 'mins',
    isDefault: c.isDefault,
  };
}
