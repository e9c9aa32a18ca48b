import { domainErrorsOf } from '@seren/service-kit/errors';
import {
  evolveLinkOpportunity,
  initialLinkOpportunityState,
  type LinkOpportunityEvent,
  type LinkOpportunityState,
} from './link-opportunity.js';

export type LinkOpportunityCommand =
  | {
      type: 'CreateLinkOpportunity';
      opportunityId: string;
      projectId: string;
      userId: string;
      targetUrl: string;
      keywords: string[];
      anchorText?: string | null;
      now: string;
    }
  | { type: 'DeleteLinkOpportunity'; userId: string; now: string };

// Validation errors carry the field, not a reason: a reason becomes Serelo's error code, and the
// spec's code for these is VALIDATION_ERROR.
export type LinkReason = 'OPPORTUNITY_EXISTS';
const errors = domainErrorsOf<LinkReason>();

export const MAX_URL_LENGTH = 2048;
export const MAX_KEYWORDS = 50;
export const MAX_KEYWORD_LENGTH = 100;
export const MAX_ANCHOR_TEXT = 200;

/** A full http(s) URL with a host and no credentials ("Full URL including https://"). */
export function validTargetUrl(raw: string): string {
  const value = raw.trim();
  const invalid = () =>
    errors.validationError('target_url must be a full http(s) URL, e.g. https://yourblog.com/seo-guide', {
      field: 'target_url',
    });
  if (value.length === 0 || value.length > MAX_URL_LENGTH || /\s/.test(value)) throw invalid();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid();
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.hostname === '') throw invalid();
  if (url.username !== '' || url.password !== '') throw invalid();
  if (!/^https?:\/\//i.test(value)) throw invalid(); // "https:example.com" parses, but is not a full URL
  return url.href;
}

/** Trimmed, without empty or case-insensitively repeated keywords (matching is not case-sensitive). */
export function validKeywords(raw: readonly string[]): string[] {
  const seen = new Set<string>();
  const keywords: string[] = [];
  for (const keyword of raw.map((k) => k.trim().replace(/\s+/g, ' '))) {
    if (keyword === '' || seen.has(keyword.toLowerCase())) continue;
    if (keyword.length > MAX_KEYWORD_LENGTH)
      throw errors.validationError(`a keyword must be at most ${MAX_KEYWORD_LENGTH} characters`, {
        field: 'keywords',
      });
    seen.add(keyword.toLowerCase());
    keywords.push(keyword);
  }
  if (keywords.length === 0)
    throw errors.validationError('keywords must hold at least 1 keyword', { field: 'keywords' });
  if (keywords.length > MAX_KEYWORDS)
    throw errors.validationError(`at most ${MAX_KEYWORDS} keywords`, { field: 'keywords' });
  return keywords;
}

export function decideLinkOpportunity(
  command: LinkOpportunityCommand,
  state: LinkOpportunityState,
): LinkOpportunityEvent[] {
  switch (command.type) {
    case 'CreateLinkOpportunity': {
      if (state.status !== 'none')
        throw errors.conflict('link opportunity already exists', { reason: 'OPPORTUNITY_EXISTS' });
      const anchor = command.anchorText?.trim() ?? '';
      if (anchor.length > MAX_ANCHOR_TEXT)
        throw errors.validationError(`anchor_text must be at most ${MAX_ANCHOR_TEXT} characters`, {
          field: 'anchor_text',
        });
      return [
        {
          type: 'LinkOpportunityCreated',
          data: {
            opportunityId: command.opportunityId,
            projectId: command.projectId,
            userId: command.userId,
            targetUrl: validTargetUrl(command.targetUrl),
            keywords: validKeywords(command.keywords),
            anchorText: anchor === '' ? null : anchor,
            createdAt: command.now,
          },
        },
      ];
    }
    case 'DeleteLinkOpportunity':
      if (state.status !== 'active' || state.userId !== command.userId)
        throw errors.notFound('link opportunity');
      return [
        {
          type: 'LinkOpportunityDeleted',
          data: { opportunityId: state.opportunityId, projectId: state.projectId, deletedAt: command.now },
        },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const linkOpportunityDecider = {
  streamType: 'link_opportunity',
  initialState: initialLinkOpportunityState,
  evolve: evolveLinkOpportunity,
  decide: decideLinkOpportunity,
};
