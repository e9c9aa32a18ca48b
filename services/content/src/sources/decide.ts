import type { SourceFileType } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';
import { evolveSource, initialSourceState, type SourceEvent, type SourceState } from './source.js';

export interface Heading {
  depth: number;
  text: string;
}

export type SourceCommand =
  | {
      type: 'UploadSource';
      sourceId: string;
      projectId: string;
      userId: string;
      filename: string;
      fileType: SourceFileType;
      fileSize: number;
      storageKey: string;
      jobId: string;
      now: string;
    }
  | { type: 'StartParsing'; now: string }
  | {
      type: 'CompleteParsing';
      textKey: string;
      characters: number;
      wordCount: number;
      pageCount: number | null;
      headings: Heading[];
      rowCount: number | null;
      now: string;
    }
  | { type: 'FailParsing'; errorMessage: string; now: string }
  | {
      type: 'UpdateSource';
      userId: string;
      filename?: string;
      metadata?: Record<string, string>;
      now: string;
    }
  | { type: 'DeleteSource'; userId: string; now: string };

export type SourceReason = 'FILENAME_INVALID' | 'METADATA_INVALID' | 'SOURCE_EXISTS';
const errors = domainErrorsOf<SourceReason>();

export const MAX_FILENAME_LENGTH = 255;
export const MAX_HEADINGS = 500;

/** A filename as stored: trimmed; no path, no control characters, at most 255 characters. */
export function checkFilename(raw: string): string {
  const filename = raw.trim();
  if (filename === '' || filename.length > MAX_FILENAME_LENGTH)
    throw errors.validationError(`filename must be 1-${MAX_FILENAME_LENGTH} characters`, {
      reason: 'FILENAME_INVALID',
    });
  // eslint-disable-next-line no-control-regex
  if (/[/\\\u0000-\u001f\u007f]/.test(filename) || filename === '.' || filename === '..')
    throw errors.validationError('filename must not contain a path or control characters', {
      reason: 'FILENAME_INVALID',
    });
  return filename;
}

export const MAX_METADATA_ENTRIES = 50;

function checkMetadata(metadata: Record<string, string>): Record<string, string> {
  const entries = Object.entries(metadata);
  if (
    entries.length > MAX_METADATA_ENTRIES ||
    entries.some(
      ([key, value]) =>
        key.length < 1 || key.length > 100 || typeof value !== 'string' || value.length > 1000,
    )
  )
    throw errors.validationError(
      `metadata must be at most ${MAX_METADATA_ENTRIES} entries, keys of 1-100 and values of up to 1,000 characters`,
      { reason: 'METADATA_INVALID' },
    );
  return metadata;
}

/** Another user's source, or one deleted, is not found (never forbidden). */
function owned(state: SourceState, userId: string) {
  if (state.status === 'none' || state.status === 'deleted' || state.userId !== userId)
    throw errors.notFound('source');
  return state;
}

export function decideSource(command: SourceCommand, state: SourceState): SourceEvent[] {
  switch (command.type) {
    case 'UploadSource': {
      if (state.status !== 'none')
        throw errors.conflict('source already exists', { reason: 'SOURCE_EXISTS' });
      const { type: _type, now, ...data } = command;
      return [
        {
          type: 'SourceUploaded',
          data: { ...data, filename: checkFilename(data.filename), uploadedAt: now },
        },
      ];
    }
    // The parsing workflow's steps. Activities run at least once, and a source may be deleted while
    // it parses: a step that already happened, or one on a deleted source, changes nothing.
    case 'StartParsing':
      if (state.status === 'none') throw errors.notFound('source');
      if (state.status !== 'uploaded') return [];
      return [{ type: 'SourceParsingStarted', data: { sourceId: state.sourceId, startedAt: command.now } }];
    case 'CompleteParsing': {
      if (state.status === 'none') throw errors.notFound('source');
      if (state.status === 'parsed' || state.status === 'failed' || state.status === 'deleted') return [];
      const { type: _type, now, headings, ...data } = command;
      return [
        {
          type: 'SourceParsed',
          data: {
            sourceId: state.sourceId,
            ...data,
            headings: headings.slice(0, MAX_HEADINGS),
            parsedAt: now,
          },
        },
      ];
    }
    case 'FailParsing':
      if (state.status === 'none') throw errors.notFound('source');
      if (state.status === 'parsed' || state.status === 'failed' || state.status === 'deleted') return [];
      return [
        {
          type: 'SourceParsingFailed',
          data: {
            sourceId: state.sourceId,
            errorMessage: (command.errorMessage.trim() || 'parsing failed').slice(0, 1000),
            failedAt: command.now,
          },
        },
      ];
    case 'UpdateSource': {
      const source = owned(state, command.userId);
      const filename = command.filename === undefined ? undefined : checkFilename(command.filename);
      const metadata = command.metadata === undefined ? undefined : checkMetadata(command.metadata);
      return [
        {
          type: 'SourceUpdated',
          data: {
            sourceId: source.sourceId,
            ...(filename === undefined ? {} : { filename }),
            ...(metadata === undefined ? {} : { metadata }),
            updatedAt: command.now,
          },
        },
      ];
    }
    case 'DeleteSource': {
      const source = owned(state, command.userId);
      return [
        {
          type: 'SourceDeleted',
          data: { sourceId: source.sourceId, projectId: source.projectId, deletedAt: command.now },
        },
      ];
    }
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

export const sourceDecider = {
  streamType: 'source',
  initialState: initialSourceState,
  evolve: evolveSource,
  decide: decideSource,
};
