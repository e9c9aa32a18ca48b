import { randomUUID } from 'node:crypto';
import { eventMetadataOf, handle, requireAuthenticated, type RequestOrigin } from '@seren/service-kit';
import { notFound } from '@seren/service-kit/errors';
import type { Content } from '../application.js';
import { ownedProject } from '../projects/queries.js';
import { linkOpportunityDecider } from './decide.js';
import { linkOpportunityStream } from './link-opportunity.js';
import { linkOpportunitiesOfProject, type LinkOpportunityView } from './queries.js';

export interface NewLinkOpportunity {
  targetUrl: string;
  keywords: string[];
  anchorText?: string | null;
}

export async function createLinkOpportunity(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  input: NewLinkOpportunity,
): Promise<LinkOpportunityView> {
  requireAuthenticated(request.caller);
  const userId = request.caller.subject;
  await ownedProject(content, userId, projectId);
  const opportunityId = randomUUID();
  const { events } = await handle(
    content,
    undefined,
    linkOpportunityStream(opportunityId),
    linkOpportunityDecider,
    {
      type: 'CreateLinkOpportunity',
      opportunityId,
      projectId,
      userId,
      ...input,
      now: content.now().toISOString(),
    },
    eventMetadataOf(request),
  );
  const created = events[0]!;
  if (created.type !== 'LinkOpportunityCreated') throw new Error('expected LinkOpportunityCreated');
  const d = created.data;
  return {
    id: d.opportunityId,
    projectId: d.projectId,
    targetUrl: d.targetUrl,
    keywords: d.keywords,
    anchorText: d.anchorText,
    createdAt: d.createdAt,
  };
}

export async function listLinkOpportunities(
  content: Content,
  request: RequestOrigin,
  projectId: string,
): Promise<{ items: LinkOpportunityView[]; total: number }> {
  requireAuthenticated(request.caller);
  await ownedProject(content, request.caller.subject, projectId);
  const items = await linkOpportunitiesOfProject(content, projectId);
  return { items, total: items.length };
}

export async function deleteLinkOpportunity(
  content: Content,
  request: RequestOrigin,
  opportunityId: string,
): Promise<boolean> {
  requireAuthenticated(request.caller);
  // The read row, not only the stream: a link of a deleted project is gone with it.
  const rows: unknown[] = await content.dataSource.query(
    `select 1 from link_opportunities where id = $1 and user_id = $2`,
    [opportunityId, request.caller.subject],
  );
  if (rows.length === 0) throw notFound('link opportunity');
  await handle(
    content,
    undefined,
    linkOpportunityStream(opportunityId),
    linkOpportunityDecider,
    { type: 'DeleteLinkOpportunity', userId: request.caller.subject, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  return true;
}
