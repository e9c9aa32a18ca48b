import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's internal link opportunity, as created and listed.

export const LinkOpportunityFields = graphql(`
  fragment SereloLinkOpportunity on LinkOpportunity {
    id
    projectId
    targetUrl
    keywords
    anchorText
    createdAt
  }
`);

export const linkOpportunitySchema = z.object({
  id: z.string(),
  project_id: z.string(),
  target_url: z.string(),
  keywords: z.array(z.string()),
  anchor_text: z.string().nullable(),
  created_at: z.string(),
});

export function linkOpportunityToRest(
  ref: FragmentOf<typeof LinkOpportunityFields>,
): z.input<typeof linkOpportunitySchema> {
  const l = readFragment(LinkOpportunityFields, ref);
  return {
    id: l.id,
    project_id: l.projectId,
    target_url: l.targetUrl,
    keywords: l.keywords,
    anchor_text: l.anchorText,
    created_at: l.createdAt,
  };
}
