import type { EventOf, ProjectDeleted } from '@seren/contracts';
import { defineProjection } from '@seren/event-store';
import type { SourceEvent } from './source.js';

/** `sources`: what source queries read, written in each append's transaction; a deleted project takes its sources. */
export const sourcesProjection = defineProjection<SourceEvent | EventOf<[typeof ProjectDeleted]>>({
  name: 'sources',
  handles: [
    'SourceUploaded',
    'SourceParsingStarted',
    'SourceParsed',
    'SourceParsingFailed',
    'SourceUpdated',
    'SourceDeleted',
    'ProjectDeleted',
  ],
  async apply(event, { manager }) {
    switch (event.type) {
      case 'SourceUploaded': {
        const d = event.data;
        await manager.query(
          `insert into sources (id, project_id, user_id, filename, file_type, file_size, storage_key, status,
                                job_id, created_at, updated_at)
           values ($1, $2, $3, $4, $5, $6, $7, 'uploaded', $8, $9, $9)`,
          [
            d.sourceId,
            d.projectId,
            d.userId,
            d.filename,
            d.fileType,
            d.fileSize,
            d.storageKey,
            d.jobId,
            d.uploadedAt,
          ],
        );
        return;
      }
      case 'SourceParsingStarted':
        await manager.query(`update sources set status = 'parsing', updated_at = $2 where id = $1`, [
          event.data.sourceId,
          event.data.startedAt,
        ]);
        return;
      case 'SourceParsed': {
        const d = event.data;
        await manager.query(
          `update sources set status = 'parsed', text_key = $2, characters = $3, word_count = $4, page_count = $5,
                              headings = $6, row_count = $7, error_message = null, parsed_at = $8, updated_at = $8
           where id = $1`,
          [
            d.sourceId,
            d.textKey,
            d.characters,
            d.wordCount,
            d.pageCount,
            JSON.stringify(d.headings),
            d.rowCount,
            d.parsedAt,
          ],
        );
        return;
      }
      case 'SourceParsingFailed':
        await manager.query(
          `update sources set status = 'failed', error_message = $2, updated_at = $3 where id = $1`,
          [event.data.sourceId, event.data.errorMessage, event.data.failedAt],
        );
        return;
      case 'SourceUpdated': {
        const d = event.data;
        await manager.query(
          `update sources set filename = coalesce($2, filename), metadata = coalesce($3::jsonb, metadata),
                              updated_at = $4
           where id = $1`,
          [
            d.sourceId,
            d.filename ?? null,
            d.metadata === undefined ? null : JSON.stringify(d.metadata),
            d.updatedAt,
          ],
        );
        return;
      }
      case 'SourceDeleted':
        await manager.query(`delete from sources where id = $1`, [event.data.sourceId]);
        return;
      case 'ProjectDeleted':
        await manager.query(`delete from sources where project_id = $1`, [event.data.projectId]);
        return;
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
});
