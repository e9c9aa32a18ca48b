import { specOf } from '@seren/testing';
import { sourceDecider } from './decide';
import type { SourceEvent } from './source';

const given = specOf(sourceDecider);
const now = '2026-12-01T10:00:00.000Z';
const uploaded: SourceEvent = {
  type: 'SourceUploaded',
  data: {
    sourceId: 's1',
    projectId: 'p1',
    userId: 'u1',
    filename: 'paper.pdf',
    fileType: 'pdf',
    fileSize: 1024,
    storageKey: 'sources/p1/s1-paper.pdf',
    jobId: 'j1',
    uploadedAt: now,
  },
};
const started: SourceEvent = { type: 'SourceParsingStarted', data: { sourceId: 's1', startedAt: now } };
const parsedCommand = {
  type: 'CompleteParsing' as const,
  textKey: 'sources/p1/s1-paper.pdf.parsed.json',
  characters: 10,
  wordCount: 2,
  pageCount: 1,
  headings: [{ depth: 1, text: 'Intro' }],
  rowCount: null,
  now,
};
const parsed: SourceEvent = {
  type: 'SourceParsed',
  data: {
    sourceId: 's1',
    textKey: parsedCommand.textKey,
    characters: 10,
    wordCount: 2,
    pageCount: 1,
    headings: [{ depth: 1, text: 'Intro' }],
    rowCount: null,
    parsedAt: now,
  },
};
const deleted: SourceEvent = {
  type: 'SourceDeleted',
  data: { sourceId: 's1', projectId: 'p1', deletedAt: now },
};

describe('source', () => {
  it('records an upload with its filename trimmed', () =>
    given([])
      .when({ ...uploaded.data, type: 'UploadSource', filename: ' paper.pdf ', now } as never)
      .then([uploaded]));

  it('refuses a filename with a path in it', () =>
    given([])
      .when({ ...uploaded.data, type: 'UploadSource', filename: '../etc/passwd', now } as never)
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'FILENAME_INVALID' }));

  it('goes uploaded → parsing → parsed', () => {
    given([uploaded]).when({ type: 'StartParsing', now }).then([started]);
    given([uploaded, started]).when(parsedCommand).then([parsed]);
  });

  it('changes nothing when a retried activity starts or completes again', () => {
    given([uploaded, started]).when({ type: 'StartParsing', now }).thenNothing();
    given([uploaded, started, parsed]).when(parsedCommand).thenNothing();
    given([uploaded, started, parsed]).when({ type: 'FailParsing', errorMessage: 'late', now }).thenNothing();
  });

  it('records a failure with the parser message', () =>
    given([uploaded, started])
      .when({ type: 'FailParsing', errorMessage: 'the PDF is encrypted', now })
      .then([
        {
          type: 'SourceParsingFailed',
          data: { sourceId: 's1', errorMessage: 'the PDF is encrypted', failedAt: now },
        },
      ]));

  it('records nothing for a source deleted while it parsed', () =>
    given([uploaded, started, deleted]).when(parsedCommand).thenNothing());

  it('updates the filename and metadata of the owner only', () => {
    given([uploaded])
      .when({ type: 'UpdateSource', userId: 'u1', filename: 'renamed.pdf', metadata: { topic: 'api' }, now })
      .then([
        {
          type: 'SourceUpdated',
          data: { sourceId: 's1', filename: 'renamed.pdf', metadata: { topic: 'api' }, updatedAt: now },
        },
      ]);
    given([uploaded])
      .when({ type: 'UpdateSource', userId: 'u2', filename: 'x.pdf', now })
      .thenThrows({ code: 'NOT_FOUND' });
  });

  it('refuses metadata beyond its limits', () =>
    given([uploaded])
      .when({
        type: 'UpdateSource',
        userId: 'u1',
        metadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])),
        now,
      })
      .thenThrows({ code: 'VALIDATION_ERROR', reason: 'METADATA_INVALID' }));

  it("deletes once; another user's or a deleted source is not found", () => {
    given([uploaded]).when({ type: 'DeleteSource', userId: 'u1', now }).then([deleted]);
    given([uploaded]).when({ type: 'DeleteSource', userId: 'u2', now }).thenThrows({ code: 'NOT_FOUND' });
    given([uploaded, deleted])
      .when({ type: 'DeleteSource', userId: 'u1', now })
      .thenThrows({ code: 'NOT_FOUND' });
  });
});
