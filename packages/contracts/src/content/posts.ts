import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo posts and the generation quota. Streams `post-<id>` (aggregate `post`) and
// `generation-quota-<userId>` (aggregate `generation_quota`: the posts of the month and the
// generations running, decided on one stream so that two requests for the last post cannot both win).

const id = z.string().min(1);
const at = z.iso.datetime();

/**
 * The billing cycle a reservation counts in: `YYYY-MM` (a free user's calendar month, UTC) or the
 * ISO instant a cycle started (a paid plan's cycle, or the free cycles after a subscription ended).
 */
const quotaPeriod = z.string().regex(/^\d{4}-\d{2}(-\d{2}T[\d:.]+Z)?$/);

export const voices = [
  'professional',
  'casual',
  'witty',
  'technical',
  'gen_z',
  'academic',
  'corporate',
  'storytelling',
  'humorous',
  'inspirational',
  'conversational',
] as const;
export type Voice = (typeof voices)[number];

export const targetLengths = ['short', 'medium', 'long'] as const;
export type TargetLength = (typeof targetLengths)[number];

/** A generated post's body, as Serelo documents it (`content` of GET /posts/{post_id}). */
export const postContent = z.object({
  title: z.string(),
  introduction: z.string(),
  sections: z.array(z.object({ heading: z.string(), content: z.string() })),
  conclusion: z.string(),
  meta_description: z.string(),
  meta_keywords: z.array(z.string()),
  markdown: z.string(),
  word_count: z.number().int().min(0),
});
export type PostContent = z.infer<typeof postContent>;

export const PostGenerationRequested = defineEvent({
  type: 'PostGenerationRequested',
  version: 1,
  domain: 'content',
  aggregate: 'post',
  description: 'A post was requested; its content_generation job generates it.',
  schema: z.object({
    postId: id,
    jobId: id,
    userId: id,
    projectId: id,
    topic: z.string().min(1).max(200),
    voice: z.enum(voices),
    targetLength: z.enum(targetLengths),
    customInstructions: z.string().max(2000).nullable(),
    sourceIds: z.array(id),
    channel: z.string().nullable(),
    /** the bulk_generation job this post is a row of, if any */
    bulkJobId: id.nullable(),
    requestedAt: at,
  }),
});

export const PostGenerated = defineEvent({
  type: 'PostGenerated',
  version: 1,
  domain: 'content',
  aggregate: 'post',
  description: 'The post was written; `generator` names what wrote it (a model, or the offline composer).',
  schema: z.object({ postId: id, content: postContent, generator: z.string().min(1), generatedAt: at }),
});

export const PostGenerationFailed = defineEvent({
  type: 'PostGenerationFailed',
  version: 1,
  domain: 'content',
  aggregate: 'post',
  description: 'Generating the post failed or was cancelled.',
  schema: z.object({ postId: id, errorMessage: z.string().min(1), failedAt: at }),
});

export const PostDeleted = defineEvent({
  type: 'PostDeleted',
  version: 1,
  domain: 'content',
  aggregate: 'post',
  description: 'A post was deleted (its quota is not refunded).',
  schema: z.object({ postId: id, projectId: id, deletedAt: at }),
});

export const GenerationQuotaReserved = defineEvent({
  type: 'GenerationQuotaReserved',
  version: 1,
  domain: 'content',
  aggregate: 'generation_quota',
  description:
    "Posts of the month were reserved for a job when it was accepted (1 for a post, one per row for a bulk job), and it took one of the plan's concurrent-generation slots.",
  schema: z.object({
    userId: id,
    jobId: id,
    period: quotaPeriod,
    posts: z.number().int().min(1),
    reservedAt: at,
  }),
});

export const GenerationSlotReleased = defineEvent({
  type: 'GenerationSlotReleased',
  version: 1,
  domain: 'content',
  aggregate: 'generation_quota',
  description:
    'A job ended and gave its concurrent-generation slot back; posts it reserved but did not generate are refunded.',
  schema: z.object({
    userId: id,
    jobId: id,
    period: quotaPeriod,
    refundedPosts: z.number().int().min(0),
    releasedAt: at,
  }),
});

export const postEvents = [
  PostGenerationRequested,
  PostGenerated,
  PostGenerationFailed,
  PostDeleted,
  GenerationQuotaReserved,
  GenerationSlotReleased,
] as const;
