import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo internal link opportunities. Stream `link-opportunity-<id>`, aggregate `link_opportunity`.

const id = z.string().min(1);
const at = z.iso.datetime();

export const LinkOpportunityCreated = defineEvent({
  type: 'LinkOpportunityCreated',
  version: 1,
  domain: 'content',
  aggregate: 'link_opportunity',
  description: 'A URL that generated posts of a project link to where one of its keywords occurs.',
  schema: z.object({
    opportunityId: id,
    projectId: id,
    userId: id,
    targetUrl: z.url(),
    keywords: z.array(z.string().min(1)).min(1),
    anchorText: z.string().nullable(),
    createdAt: at,
  }),
});

export const LinkOpportunityDeleted = defineEvent({
  type: 'LinkOpportunityDeleted',
  version: 1,
  domain: 'content',
  aggregate: 'link_opportunity',
  description: 'A link opportunity was removed; posts already generated keep their links.',
  schema: z.object({ opportunityId: id, projectId: id, deletedAt: at }),
});

export const linkEvents = [LinkOpportunityCreated, LinkOpportunityDeleted] as const;
