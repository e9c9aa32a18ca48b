import { randomUUID } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import {
  eventMetadataOf,
  handle,
  requireAuthenticated,
  transaction,
  type RequestOrigin,
} from '@seren/service-kit';
import { sourceFileTypes, type SourceFileType } from '@seren/contracts';
import { notFound, validationError } from '@seren/service-kit/errors';
import type { Content } from '../application.js';
import { completeJob, failJob, queueJob, startJob } from '../jobs/service.js';
import { ownedProject } from '../projects/queries.js';
import { checkFilename, sourceDecider, type SourceCommand } from './decide.js';
import { FileInspector, fileTooLarge, malformedForm } from './file-type.js';
import { findSource, listSources, parsedContentOf, type SourceFilter, type SourceView } from './queries.js';
import { sourceStream } from './source.js';
import type { parseSource } from './workflows.js';

export const parsingWorkflowId = (sourceId: string) => `source-parsing-${sourceId}`;
const PARSING_ACTOR = { actor: 'workflow:document_parsing' };

/** A file part of an upload, as the internal route streams it. */
export interface IncomingFile {
  filename: string;
  /** the bytes, streamed; ends early with `truncated` set when the file exceeds the limit */
  stream: Readable & { truncated?: boolean };
}

/** The object key: under the project (so its files go with it), named after the source and its file. */
export const storageKeyOf = (projectId: string, sourceId: string, filename: string) =>
  `sources/${projectId}/${sourceId}-${filename.replace(/[^A-Za-z0-9._-]+/g, '-').slice(-100)}`;
const textKeyOf = (storageKey: string) => `${storageKey}.parsed.json`;

/**
 * Stores an uploaded file and queues its parsing. The bytes stream through a type inspector into
 * object storage, never held whole; a file over 20 MB or of another type is removed again and
 * refused (400 FILE_TOO_LARGE / UNSUPPORTED_FILE_TYPE). Then, in one transaction, SourceUploaded
 * and its `document_parsing` job; then the parsing workflow, whose id is the source's (a repeated
 * start is refused by Temporal rather than run twice).
 */
export async function uploadSource(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  file: IncomingFile,
): Promise<SourceView> {
  requireAuthenticated(request.caller);
  const userId = request.caller.subject;
  await ownedProject(content, userId, projectId);
  const filename = checkFilename(file.filename || 'upload');
  const sourceId = randomUUID();
  const jobId = randomUUID();
  const storageKey = storageKeyOf(projectId, sourceId, filename);

  const inspector = new FileInspector();
  const inspect = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      inspector.inspect(chunk);
      done(null, chunk);
    },
  });
  let streamError: Error | undefined;
  file.stream.on('error', (error) => {
    streamError = error;
    inspect.destroy(error);
  });
  try {
    await content.objects.put(storageKey, file.stream.pipe(inspect));
    if (file.stream.truncated) throw fileTooLarge();
    const fileType = inspector.typeOf(filename);
    const workflowId = parsingWorkflowId(sourceId);
    await transaction(content, async (manager) => {
      await handle(
        content,
        manager,
        sourceStream(sourceId),
        sourceDecider,
        {
          type: 'UploadSource',
          sourceId,
          projectId,
          userId,
          filename,
          fileType,
          fileSize: inspector.size,
          storageKey,
          jobId,
          now: content.now().toISOString(),
        },
        eventMetadataOf(request),
      );
      await queueJob(
        content,
        manager,
        { jobId, userId, projectId, jobType: 'document_parsing', totalItems: 1, workflowId },
        request,
      );
    });
    await content.workflows.workflow.start<typeof parseSource>('parseSource', {
      taskQueue: content.taskQueue,
      workflowId,
      args: [{ sourceId, jobId }],
    });
  } catch (error) {
    await content.objects.delete(storageKey).catch(() => undefined);
    // the form broke off or was malformed mid-file (busboy's error): the client's, not ours
    if (streamError) throw malformedForm(streamError.message);
    throw error;
  }
  return (await findSource(content, userId, sourceId))!;
}

const STATUSES = ['uploaded', 'parsing', 'parsed', 'failed'] as const;

/** The list's filters and page as the spec documents them: limit 1-100 (default 100), offset ≥ 0. */
export function pageOf(args: {
  status?: string | null;
  fileType?: string | null;
  limit?: number | null;
  offset?: number | null;
}): SourceFilter {
  const limit = args.limit ?? 100;
  const offset = args.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw validationError('limit must be between 1 and 100');
  if (!Number.isInteger(offset) || offset < 0) throw validationError('offset must be 0 or more');
  if (args.status != null && !(STATUSES as readonly string[]).includes(args.status))
    throw validationError(`status must be one of ${STATUSES.join(', ')}`);
  if (args.fileType != null && !(sourceFileTypes as readonly string[]).includes(args.fileType))
    throw validationError(`file_type must be one of ${sourceFileTypes.join(', ')}`);
  return {
    status: (args.status ?? undefined) as SourceFilter['status'],
    fileType: (args.fileType ?? undefined) as SourceFileType | undefined,
    limit,
    offset,
  };
}

export async function getSource(
  content: Content,
  request: RequestOrigin,
  sourceId: string,
): Promise<SourceView> {
  requireAuthenticated(request.caller);
  const source = await findSource(content, request.caller.subject, sourceId);
  if (!source) throw notFound('source');
  return source;
}

/** GET .../projects/{project_id}/sources: another user's project is 404, like a missing one. */
export async function listProjectSources(
  content: Content,
  request: RequestOrigin,
  projectId: string,
  filter: SourceFilter,
): Promise<{ items: SourceView[]; total: number }> {
  requireAuthenticated(request.caller);
  await ownedProject(content, request.caller.subject, projectId);
  return listSources(content, request.caller.subject, projectId, filter);
}

/** The text parsing extracted (null until parsed). */
export async function parsedTextOf(content: Content, source: SourceView): Promise<string | null> {
  return (await parsedContentOf(content, source))?.text ?? null;
}

export async function updateSource(
  content: Content,
  request: RequestOrigin,
  sourceId: string,
  changes: { filename?: string; metadata?: Record<string, string> },
): Promise<SourceView> {
  requireAuthenticated(request.caller);
  const userId = request.caller.subject;
  await handle(
    content,
    undefined,
    sourceStream(sourceId),
    sourceDecider,
    { type: 'UpdateSource', userId, ...changes, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  return (await findSource(content, userId, sourceId))!;
}

/**
 * Deletes the source, then its stored file and extracted text. A parse still running finds the
 * source deleted and records nothing; its job is left as it stands.
 */
export async function deleteSource(
  content: Content,
  request: RequestOrigin,
  sourceId: string,
): Promise<void> {
  requireAuthenticated(request.caller);
  const userId = request.caller.subject;
  const source = await findSource(content, userId, sourceId);
  await handle(
    content,
    undefined,
    sourceStream(sourceId),
    sourceDecider,
    { type: 'DeleteSource', userId, now: content.now().toISOString() },
    eventMetadataOf(request),
  );
  if (source) {
    await content.objects.delete(source.storageKey);
    await content.objects.delete(textKeyOf(source.storageKey));
  }
}

/**
 * Removes stored files (each source's file and its extracted text) after their rows are gone, as a
 * deleted project's sources. A failure is logged, not thrown: the rows are already deleted, so an
 * orphaned object is the worst outcome, and it names the project in its key for a later sweep.
 */
export async function removeStoredFiles(content: Content, storageKeys: string[]): Promise<void> {
  for (const key of storageKeys) {
    for (const object of [key, textKeyOf(key)]) {
      await content.objects
        .delete(object)
        .catch((error: unknown) =>
          content.logger.error({ err: error, key: object }, 'stored file not removed'),
        );
    }
  }
}

// ---- the parsing workflow's activities --------------------------------------------------------

async function step(content: Content, sourceId: string, command: SourceCommand) {
  return handle(content, undefined, sourceStream(sourceId), sourceDecider, command, {
    ...PARSING_ACTOR,
    correlationId: parsingWorkflowId(sourceId),
  });
}

/** uploaded → parsing, and the job → processing. */
export async function beginParsing(content: Content, sourceId: string, jobId: string): Promise<void> {
  await step(content, sourceId, { type: 'StartParsing', now: content.now().toISOString() });
  await startJob(content, jobId, 'document_parsing');
}

export interface ParsingSummary {
  wordCount: number;
  pageCount: number | null;
  headings: number;
}

/**
 * Reads the stored file, extracts its text (throws ParseFailure for a document that cannot be
 * read), stores the text beside the file and records SourceParsed; the job completes. A source
 * deleted meanwhile records nothing and leaves no text behind.
 */
export async function extractSource(
  content: Content,
  sourceId: string,
  jobId: string,
  signal?: AbortSignal,
): Promise<ParsingSummary> {
  const rows: { storage_key: string; file_type: SourceView['fileType'] }[] = await content.dataSource.query(
    `select storage_key, file_type from sources where id = $1`,
    [sourceId],
  );
  const row = rows[0];
  if (!row) {
    // deleted while it waited: nothing to parse, and its job says why it stopped
    await failJob(content, jobId, 'document_parsing', 'the source was deleted before it was parsed', {
      source_id: sourceId,
    });
    return { wordCount: 0, pageCount: null, headings: 0 };
  }
  const phases = phaseTimer();
  const bytes = await content.objects.get(row.storage_key);
  const size = bytes.length; // the parser thread takes the bytes over
  phases.mark('read');
  const parsed = await content.parser.parse(row.file_type, bytes, signal);
  phases.mark('parse');
  const textKey = textKeyOf(row.storage_key);
  await content.objects.put(
    textKey,
    Buffer.from(JSON.stringify({ text: parsed.text, rows: parsed.rows })),
    'application/json',
  );
  phases.mark('store');
  await step(content, sourceId, {
    type: 'CompleteParsing',
    textKey,
    characters: parsed.text.length,
    wordCount: parsed.wordCount,
    pageCount: parsed.pageCount,
    headings: parsed.headings,
    rowCount: parsed.rows?.length ?? null,
    now: content.now().toISOString(),
  });
  if ((await findSourceStatus(content, sourceId)) === undefined) await content.objects.delete(textKey);
  await completeJob(content, jobId, 'document_parsing', {
    source_id: sourceId,
    word_count: parsed.wordCount,
    page_count: parsed.pageCount,
  });
  phases.mark('record');
  content.logger.info(
    { sourceId, fileType: row.file_type, bytes: size, ms: phases.result() },
    'source parsed',
  );
  return { wordCount: parsed.wordCount, pageCount: parsed.pageCount, headings: parsed.headings.length };
}

/** Milliseconds per phase, for the log line of each parse (where a slow parse spent its time). */
function phaseTimer() {
  let last = performance.now();
  const result: Record<string, number> = {};
  return {
    mark(phase: string) {
      const now = performance.now();
      result[phase] = Math.round(now - last);
      last = now;
    },
    result: () => result,
  };
}

async function findSourceStatus(content: Content, sourceId: string): Promise<string | undefined> {
  const rows: { status: string }[] = await content.dataSource.query(
    `select status from sources where id = $1`,
    [sourceId],
  );
  return rows[0]?.status;
}

/** → failed with the parser's message; the job fails with it too. */
export async function recordParsingFailed(
  content: Content,
  sourceId: string,
  jobId: string,
  errorMessage: string,
): Promise<void> {
  await step(content, sourceId, { type: 'FailParsing', errorMessage, now: content.now().toISOString() });
  await failJob(content, jobId, 'document_parsing', errorMessage, { source_id: sourceId });
}
