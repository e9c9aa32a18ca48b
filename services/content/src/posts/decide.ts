import { voices, targetLengths, type TargetLength, type Voice } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { planOf, voiceAvailable, type PlanTier } from '../billing/plans.js';
import {
  evolvePost,
  evolveQuota,
  initialPostState,
  initialQuotaState,
  type PostEvent,
  type PostState,
  type QuotaEvent,
  type QuotaState,
} from './post.js';

// Reasons are Serelo's documented error codes (the gateway answers them as `detail.code`).
export type PostReason =
  | 'TOPIC_TOO_LONG'
  | 'INSTRUCTIONS_TOO_LONG'
  | 'VOICE_NOT_AVAILABLE'
  | 'QUOTA_EXCEEDED'
  | 'RATE_LIMIT_EXCEEDED'
  | 'ALREADY_GENERATING'
  | 'FEATURE_NOT_AVAILABLE';
const errors = domainErrorsOf<PostReason>();
export const postErrors = errors;

export const MAX_TOPIC = 200;
export const MAX_INSTRUCTIONS = 2000;
export const MAX_CHANNEL = 50;

export interface GenerationBrief {
  topic: string;
  voice: string;
  targetLength?: string | null;
  customInstructions?: string | null;
  channel?: string | null;
}

/** A brief checked against the spec: topic 1-200, a known voice on the user's plan, instructions ≤ 2000. */
export function validBrief(brief: GenerationBrief, tier: PlanTier) {
  const topic = brief.topic.trim();
  if (topic === '') throw errors.validationError('topic is required (1-200 characters)', { field: 'topic' });
  if (topic.length > MAX_TOPIC)
    throw errors.validationError(`topic must be at most ${MAX_TOPIC} characters`, {
      reason: 'TOPIC_TOO_LONG',
    });
  if (!(voices as readonly string[]).includes(brief.voice))
    throw errors.validationError(`voice must be one of ${voices.join(', ')}`, { field: 'voice' });
  const voice = brief.voice as Voice;
  if (!voiceAvailable(tier, voice))
    throw errors.forbidden(`the ${voice} voice is not available on the ${tier} plan`, {
      reason: 'VOICE_NOT_AVAILABLE',
    });
  const length = brief.targetLength ?? 'medium';
  if (!(targetLengths as readonly string[]).includes(length))
    throw errors.validationError('target_length must be short, medium or long', { field: 'target_length' });
  const instructions = brief.customInstructions?.trim() ?? '';
  if (instructions.length > MAX_INSTRUCTIONS)
    throw errors.validationError(`custom_instructions must be at most ${MAX_INSTRUCTIONS} characters`, {
      reason: 'INSTRUCTIONS_TOO_LONG',
    });
  const channel = brief.channel?.trim() ?? '';
  if (channel.length > MAX_CHANNEL)
    throw errors.validationError(`channel must be at most ${MAX_CHANNEL} characters`, { field: 'channel' });
  return {
    topic,
    voice,
    targetLength: length as TargetLength,
    customInstructions: instructions === '' ? null : instructions,
    channel: channel === '' ? null : channel,
  };
}

// ---- the generation quota: one stream per user, so acceptance is atomic --------------------------

export type QuotaCommand =
  | {
      type: 'ReserveGeneration';
      userId: string;
      jobId: string;
      tier: PlanTier;
      /** the billing cycle the posts count in (billing's `cycleOf`) */
      period: string;
      posts: number;
      now: string;
    }
  | { type: 'ReleaseGeneration'; userId: string; jobId: string; refundedPosts: number; now: string };

export function decideQuota(command: QuotaCommand, state: QuotaState): QuotaEvent[] {
  switch (command.type) {
    case 'ReserveGeneration': {
      if (state.active[command.jobId]) return [];
      const period = command.period;
      const { postsPerMonth, concurrentGenerations } = planOf(command.tier);
      const used = state.used[period] ?? 0;
      if (postsPerMonth !== null && used + command.posts > postsPerMonth)
        throw errors.quotaExceeded(
          used >= postsPerMonth
            ? `monthly post limit reached (${postsPerMonth} on the ${command.tier} plan this billing cycle)`
            : `this needs ${command.posts} posts; ${postsPerMonth - used} of ${postsPerMonth} are left this billing cycle`,
          { reason: 'QUOTA_EXCEEDED' },
        );
      if (Object.keys(state.active).length >= concurrentGenerations)
        throw errors.rateLimited(
          `${concurrentGenerations} concurrent generation${concurrentGenerations === 1 ? '' : 's'} allowed on the ${command.tier} plan. Try again in 30 seconds.`,
          { reason: 'RATE_LIMIT_EXCEEDED', retryAfter: 30 },
        );
      return [
        {
          type: 'GenerationQuotaReserved',
          data: {
            userId: command.userId,
            jobId: command.jobId,
            period,
            posts: command.posts,
            reservedAt: command.now,
          },
        },
      ];
    }
    case 'ReleaseGeneration': {
      const held = state.active[command.jobId];
      // activities run at least once: a job already released appends nothing
      if (!held) return [];
      return [
        {
          type: 'GenerationSlotReleased',
          data: {
            userId: command.userId,
            jobId: command.jobId,
            period: held.period,
            refundedPosts: Math.min(held.posts, Math.max(0, command.refundedPosts)),
            releasedAt: command.now,
          },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const quotaDecider = {
  streamType: 'generation_quota',
  initialState: initialQuotaState,
  evolve: evolveQuota,
  decide: decideQuota,
};

// ---- posts ------------------------------------------------------------------------------------------

export type PostCommand =
  | {
      type: 'RequestPostGeneration';
      postId: string;
      jobId: string;
      userId: string;
      projectId: string;
      brief: ReturnType<typeof validBrief>;
      sourceIds: string[];
      bulkJobId: string | null;
      now: string;
    }
  | {
      type: 'RecordGeneratedPost';
      content: Extract<PostEvent, { type: 'PostGenerated' }>['data']['content'];
      generator: string;
      now: string;
    }
  | { type: 'RecordFailedGeneration'; errorMessage: string; now: string }
  | { type: 'DeletePost'; userId: string; now: string };

export function decidePost(command: PostCommand, state: PostState): PostEvent[] {
  switch (command.type) {
    case 'RequestPostGeneration': {
      if (state.status !== 'none') return [];
      const { postId, jobId, userId, projectId, brief, sourceIds, bulkJobId, now } = command;
      return [
        {
          type: 'PostGenerationRequested',
          data: { postId, jobId, userId, projectId, ...brief, sourceIds, bulkJobId, requestedAt: now },
        },
      ];
    }
    case 'RecordGeneratedPost':
      if (state.status === 'none') throw errors.notFound('post');
      if (state.status !== 'generating') return [];
      return [
        {
          type: 'PostGenerated',
          data: {
            postId: state.postId,
            content: command.content,
            generator: command.generator,
            generatedAt: command.now,
          },
        },
      ];
    case 'RecordFailedGeneration':
      if (state.status === 'none') throw errors.notFound('post');
      if (state.status !== 'generating') return [];
      return [
        {
          type: 'PostGenerationFailed',
          data: {
            postId: state.postId,
            errorMessage: command.errorMessage.trim() || 'failed',
            failedAt: command.now,
          },
        },
      ];
    case 'DeletePost':
      if (state.status === 'none' || state.status === 'deleted' || state.userId !== command.userId)
        throw errors.notFound('post');
      return [
        {
          type: 'PostDeleted',
          data: { postId: state.postId, projectId: state.projectId, deletedAt: command.now },
        },
      ];
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const postDecider = {
  streamType: 'post',
  initialState: initialPostState,
  evolve: evolvePost,
  decide: decidePost,
};
