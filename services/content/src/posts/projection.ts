import type { EventOf, ProjectDeleted } from '@seren/contracts';
import { defineProjection } from '@seren/event-store';
import type { PostEvent, QuotaEvent } from './post.js';

/** `posts`: what post queries read (a deleted project takes its posts with it). */
export const postsProjection = defineProjection<PostEvent | EventOf<[typeof ProjectDeleted]>>({
  name: 'posts',
  handles: [
    'PostGenerationRequested',
    'PostGenerated',
    'PostGenerationFailed',
    'PostDeleted',
    'ProjectDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'PostGenerationRequested': {
        const d = event.data;
        await manager.query(
          `insert into posts (id, project_id, user_id, job_id, bulk_job_id, topic, voice, target_length,
                              custom_instructions, source_ids, channel, status, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'generating', $12, $12)`,
          [
            d.postId,
            d.projectId,
            d.userId,
            d.jobId,
            d.bulkJobId,
            d.topic,
            d.voice,
            d.targetLength,
            d.customInstructions,
            d.sourceIds,
            d.channel,
            d.requestedAt,
          ],
        );
        return;
      }
      case 'PostGenerated': {
        const d = event.data;
        await manager.query(
          `update posts set status = 'completed', content = $2, generator = $3, word_count = $4, updated_at = $5
           where id = $1`,
          [d.postId, JSON.stringify(d.content), d.generator, d.content.word_count, d.generatedAt],
        );
        return;
      }
      case 'PostGenerationFailed':
        await manager.query(
          `update posts set status = 'failed', error_message = $2, updated_at = $3 where id = $1`,
          [event.data.postId, event.data.errorMessage, event.data.failedAt],
        );
        return;
      case 'PostDeleted':
        await manager.query(`delete from posts where id = $1`, [event.data.postId]);
        return;
      case 'ProjectDeleted':
        await manager.query(`delete from posts where project_id = $1`, [event.data.projectId]);
        return;
      default:
        return;
    }
  },
});

/** `generation_quota_usage`: posts used per user and month (GET /users/me's quota). */
export const generationQuotaProjection = defineProjection<QuotaEvent>({
  name: 'generation_quota_usage',
  handles: ['GenerationQuotaReserved', 'GenerationSlotReleased'],
  async apply(event, { manager }) {
    const d = event.data;
    const delta = event.type === 'GenerationQuotaReserved' ? event.data.posts : -event.data.refundedPosts;
    if (delta === 0) return;
    await manager.query(
      `insert into generation_quota_usage (user_id, period, posts_used) values ($1, $2, greatest($3, 0))
       on conflict (user_id, period) do update set posts_used = greatest(generation_quota_usage.posts_used + $3, 0)`,
      [d.userId, d.period, delta],
    );
  },
});
