import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// HighLevel's Opportunity (v2 `opportunity` / search result), field for field for what Serebro
// holds: no notes, tasks, followers or custom fields yet (HighLevel leaves out what is not set). Its
// `contact` summary comes from the crm's Contact through the graph (one query per page).

export const OpportunityFields = graphql(`
  fragment OpportunityFields on Opportunity {
    id
    locationId
    name
    pipelineId
    pipelineStageId
    status
    monetaryValue
    contactId
    contact {
      id
      name
      companyName
      email
      phone
      tags
    }
    assignedTo
    source
    lastStatusChangeAt
    lastStageChangeAt
    createdAt
    updatedAt
  }
`);

export const opportunityStatusSchema = z.enum(['open', 'won', 'lost', 'abandoned']);

export const opportunitySchema = z.object({
  id: z.string(),
  name: z.string(),
  monetaryValue: z.number().nullable(),
  pipelineId: z.string(),
  pipelineStageId: z.string(),
  assignedTo: z.string().nullable(),
  status: opportunityStatusSchema,
  source: z.string().nullable(),
  lastStatusChangeAt: z.string().describe('ISO 8601, UTC'),
  lastStageChangeAt: z.string().describe('ISO 8601, UTC'),
  createdAt: z.string(),
  updatedAt: z.string(),
  contactId: z.string(),
  contact: z
    .object({
      id: z.string(),
      name: z.string().nullable(),
      companyName: z.string().nullable(),
      email: z.string().nullable(),
      phone: z.string().nullable(),
      tags: z.array(z.string()),
    })
    .nullable()
    .describe("HighLevel's contact summary; null once the contact is deleted"),
  locationId: z.string(),
});

export function opportunityToRest(
  ref: FragmentOf<typeof OpportunityFields>,
): z.input<typeof opportunitySchema> {
  const o = readFragment(OpportunityFields, ref);
  return {
    id: o.id,
    name: o.name,
    monetaryValue: o.monetaryValue ?? null,
    pipelineId: o.pipelineId,
    pipelineStageId: o.pipelineStageId,
    assignedTo: o.assignedTo ?? null,
    status: opportunityStatusSchema.parse(o.status),
    source: o.source ?? null,
    lastStatusChangeAt: o.lastStatusChangeAt,
    lastStageChangeAt: o.lastStageChangeAt,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    contactId: o.contactId,
    contact: o.contact
      ? {
          id: o.contact.id,
          name: o.contact.name ?? null,
          companyName: o.contact.companyName ?? null,
          email: o.contact.email ?? null,
          phone: o.contact.phone ?? null,
          tags: [...o.contact.tags],
        }
      : null,
    locationId: o.locationId,
  };
}
