import { specOf } from '@seren/testing';
import { quotaDecider, validBrief } from './decide';
import type { QuotaEvent } from './post';

const given = specOf(quotaDecider);
const now = '2026-12-01T10:00:00.000Z';
const reserved = (jobId: string, posts = 1, period = '2026-12'): QuotaEvent => ({
  type: 'GenerationQuotaReserved',
  data: { userId: 'u1', jobId, period, posts, reservedAt: now },
});
const released = (jobId: string, refundedPosts = 0, period = '2026-12'): QuotaEvent => ({
  type: 'GenerationSlotReleased',
  data: { userId: 'u1', jobId, period, refundedPosts, releasedAt: now },
});
const reserve = (jobId: string, tier: 'free' | 'starter' = 'free', posts = 1) =>
  ({ type: 'ReserveGeneration', userId: 'u1', jobId, tier, period: '2026-12', posts, now }) as const;

describe('the generation quota (one stream per user: acceptance is atomic)', () => {
  it('reserves a post and a slot', () =>
    given([])
      .when(reserve('j1'))
      .then([reserved('j1')]));

  it('refuses the 11th post of the month on free with QUOTA_EXCEEDED', () => {
    const month = Array.from({ length: 10 }, (_, i) => [reserved(`j${i}`), released(`j${i}`)]).flat();
    given(month).when(reserve('j10')).thenThrows({ code: 'QUOTA_EXCEEDED', reason: 'QUOTA_EXCEEDED' });
  });

  it('counts a new month from zero, and refunds failed generations', () => {
    const lastMonth = Array.from({ length: 10 }, (_, i) => [
      reserved(`j${i}`, 1, '2026-11'),
      released(`j${i}`, 0, '2026-11'),
    ]).flat();
    given(lastMonth)
      .when(reserve('j10'))
      .then([reserved('j10')]);
    const failedOnes = Array.from({ length: 10 }, (_, i) => [reserved(`j${i}`), released(`j${i}`, 1)]).flat();
    given(failedOnes)
      .when(reserve('j10'))
      .then([reserved('j10')]);
  });

  it("refuses a generation beyond the plan's concurrent limit with 429 RATE_LIMIT_EXCEEDED", () => {
    given([reserved('j1')])
      .when(reserve('j2'))
      .thenThrows({ code: 'RATE_LIMITED', reason: 'RATE_LIMIT_EXCEEDED' });
    given([reserved('j1'), reserved('j2')])
      .when(reserve('j3', 'starter'))
      .then([reserved('j3')]);
  });

  it('reserves a bulk job’s rows together, or none of them', () =>
    given([reserved('j1'), released('j1')])
      .when(reserve('bulk', 'free', 10))
      .thenThrows({ code: 'QUOTA_EXCEEDED', reason: 'QUOTA_EXCEEDED' }));

  it('releases a slot once (a retried activity appends nothing)', () => {
    given([reserved('j1')])
      .when({ type: 'ReleaseGeneration', userId: 'u1', jobId: 'j1', refundedPosts: 1, now })
      .then([released('j1', 1)]);
    given([reserved('j1'), released('j1', 1)])
      .when({ type: 'ReleaseGeneration', userId: 'u1', jobId: 'j1', refundedPosts: 1, now })
      .thenNothing();
  });
});

describe('the brief', () => {
  const ok = { topic: 'How to Build a REST API with FastAPI', voice: 'technical' };

  it('defaults target_length to medium and trims', () =>
    expect(validBrief({ ...ok, topic: `  ${ok.topic} ` }, 'free')).toEqual({
      topic: ok.topic,
      voice: 'technical',
      targetLength: 'medium',
      customInstructions: null,
      channel: null,
    }));

  it.each(['professional', 'casual', 'witty', 'technical'])('offers %s on free', (voice) =>
    expect(validBrief({ ...ok, voice }, 'free').voice).toBe(voice),
  );

  it.each(['gen_z', 'academic', 'corporate', 'storytelling', 'humorous', 'inspirational', 'conversational'])(
    'keeps %s for starter and above (403 VOICE_NOT_AVAILABLE on free)',
    (voice) => {
      expect(validBrief({ ...ok, voice }, 'starter').voice).toBe(voice);
      expect(() => validBrief({ ...ok, voice }, 'free')).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', reason: 'VOICE_NOT_AVAILABLE' }),
      );
    },
  );

  it('refuses a topic above 200 (TOPIC_TOO_LONG), instructions above 2000 (INSTRUCTIONS_TOO_LONG), unknown voices and lengths', () => {
    expect(() => validBrief({ ...ok, topic: 'x'.repeat(201) }, 'free')).toThrow(
      expect.objectContaining({ reason: 'TOPIC_TOO_LONG' }),
    );
    expect(() => validBrief({ ...ok, customInstructions: 'x'.repeat(2001) }, 'free')).toThrow(
      expect.objectContaining({ reason: 'INSTRUCTIONS_TOO_LONG' }),
    );
    expect(() => validBrief({ ...ok, voice: 'pirate' }, 'pro')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
    expect(() => validBrief({ ...ok, targetLength: 'epic' }, 'pro')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
    expect(() => validBrief({ ...ok, topic: ' ' }, 'pro')).toThrow(
      expect.objectContaining({ code: 'VALIDATION_ERROR' }),
    );
  });
});
