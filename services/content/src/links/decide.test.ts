import { specOf } from '@seren/testing';
import { linkOpportunityDecider } from './decide';
import type { LinkOpportunityEvent } from './link-opportunity';

const given = specOf(linkOpportunityDecider);
const now = '2026-12-01T10:00:00.000Z';
const create = {
  type: 'CreateLinkOpportunity' as const,
  opportunityId: 'l1',
  projectId: 'p1',
  userId: 'u1',
  targetUrl: 'https://yourblog.com/seo-guide',
  keywords: ['SEO', ' search engine optimization ', 'seo'],
  anchorText: 'our complete SEO guide',
  now,
};
const created: LinkOpportunityEvent = {
  type: 'LinkOpportunityCreated',
  data: {
    opportunityId: 'l1',
    projectId: 'p1',
    userId: 'u1',
    targetUrl: 'https://yourblog.com/seo-guide',
    keywords: ['SEO', 'search engine optimization'],
    anchorText: 'our complete SEO guide',
    createdAt: now,
  },
};

describe('link opportunities', () => {
  it('creates one with keywords trimmed and case-insensitive repeats dropped', () =>
    given([]).when(create).then([created]));

  it.each([
    'yourblog.com/seo-guide',
    'ftp://yourblog.com/x',
    'https:yourblog.com',
    'https://user:pw@yourblog.com/',
    'https://your blog.com/',
    'javascript:alert(1)',
    `https://x.com/${'a'.repeat(2048)}`,
  ])('refuses %s as target_url', (targetUrl) =>
    given([])
      .when({ ...create, targetUrl })
      .thenThrows({ code: 'VALIDATION_ERROR' }),
  );

  it('refuses no keywords (blank ones do not count) and too long ones', () => {
    given([])
      .when({ ...create, keywords: [' ', ''] })
      .thenThrows({ code: 'VALIDATION_ERROR' });
    given([])
      .when({ ...create, keywords: ['k'.repeat(101)] })
      .thenThrows({ code: 'VALIDATION_ERROR' });
  });

  it("deletes the owner's opportunity; another user's is not found", () => {
    given([created])
      .when({ type: 'DeleteLinkOpportunity', userId: 'u1', now })
      .then([
        { type: 'LinkOpportunityDeleted', data: { opportunityId: 'l1', projectId: 'p1', deletedAt: now } },
      ]);
    given([created])
      .when({ type: 'DeleteLinkOpportunity', userId: 'u2', now })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
