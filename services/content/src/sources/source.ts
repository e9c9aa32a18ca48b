import {
  SourceDeleted,
  SourceParsed,
  SourceParsingFailed,
  SourceParsingStarted,
  SourceUpdated,
  SourceUploaded,
  type EventOf,
  type SourceFileType,
} from '@seren/contracts';

export type SourceEvent = EventOf<
  [
    typeof SourceUploaded,
    typeof SourceParsingStarted,
    typeof SourceParsed,
    typeof SourceParsingFailed,
    typeof SourceUpdated,
    typeof SourceDeleted,
  ]
>;

/** The spec's status values: uploaded (queued for parsing), parsing, parsed, failed. */
export type SourceStatus = 'uploaded' | 'parsing' | 'parsed' | 'failed';

export const sourceStream = (sourceId: string) => `source-${sourceId}`;

export type SourceState =
  | { status: 'none' }
  | {
      status: SourceStatus | 'deleted';
      sourceId: string;
      projectId: string;
      userId: string;
      fileType: SourceFileType;
      storageKey: string;
      textKey: string | null;
      jobId: string;
    };

export const initialSourceState = (): SourceState => ({ status: 'none' });

export function evolveSource(state: SourceState, event: SourceEvent): SourceState {
  if (event.type === 'SourceUploaded') {
    const d = event.data;
    return {
      status: 'uploaded',
      sourceId: d.sourceId,
      projectId: d.projectId,
      userId: d.userId,
      fileType: d.fileType,
      storageKey: d.storageKey,
      textKey: null,
      jobId: d.jobId,
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'SourceParsingStarted':
      return { ...state, status: 'parsing' };
    case 'SourceParsed':
      return { ...state, status: 'parsed', textKey: event.data.textKey };
    case 'SourceParsingFailed':
      return { ...state, status: 'failed' };
    case 'SourceUpdated':
      return state;
    case 'SourceDeleted':
      return { ...state, status: 'deleted' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}
