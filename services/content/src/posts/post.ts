import {
  GenerationQuotaReserved,
  GenerationSlotReleased,
  PostDeleted,
  PostGenerated,
  PostGenerationFailed,
  PostGenerationRequested,
  type EventOf,
} from '@seren/contracts';

export type PostEvent = EventOf<
  [typeof PostGenerationRequested, typeof PostGenerated, typeof PostGenerationFailed, typeof PostDeleted]
>;
export type QuotaEvent = EventOf<[typeof GenerationQuotaReserved, typeof GenerationSlotReleased]>;

/** The spec's post statuses. */
export type PostStatus = 'generating' | 'completed' | 'failed';

export const postStream = (postId: string) => `post-${postId}`;
export const quotaStream = (userId: string) => `generation-quota-${userId}`;

export type PostState =
  | { status: 'none' }
  | { status: PostStatus | 'deleted'; postId: string; projectId: string; userId: string; jobId: string };

export const initialPostState = (): PostState => ({ status: 'none' });

export function evolvePost(state: PostState, event: PostEvent): PostState {
  if (event.type === 'PostGenerationRequested') {
    const { postId, projectId, userId, jobId } = event.data;
    return { status: 'generating', postId, projectId, userId, jobId };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PostGenerated':
      return { ...state, status: 'completed' };
    case 'PostGenerationFailed':
      return { ...state, status: 'failed' };
    case 'PostDeleted':
      return { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A user's generations: posts reserved per month (`YYYY-MM`, UTC), and the jobs holding a slot now. */
export interface QuotaState {
  used: Record<string, number>;
  /** jobId → the period and posts it reserved */
  active: Record<string, { period: string; posts: number }>;
}

export const initialQuotaState = (): QuotaState => ({ used: {}, active: {} });

export function evolveQuota(state: QuotaState, event: QuotaEvent): QuotaState {
  switch (event.type) {
    case 'GenerationQuotaReserved': {
      const { period, posts, jobId } = event.data;
      return {
        used: { ...state.used, [period]: (state.used[period] ?? 0) + posts },
        active: { ...state.active, [jobId]: { period, posts } },
      };
    }
    case 'GenerationSlotReleased': {
      const { period, refundedPosts, jobId } = event.data;
      const active = { ...state.active };
      delete active[jobId];
      return {
        used: { ...state.used, [period]: Math.max(0, (state.used[period] ?? 0) - refundedPosts) },
        active,
      };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** The quota period of an instant: its UTC month. */
export const periodOf = (at: Date | string) => new Date(at).toISOString().slice(0, 7);
