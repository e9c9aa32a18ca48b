import type { SourceFileType } from '@seren/contracts';
import { notFound, validationError } from '@seren/service-kit/errors';
import type { Content } from '../application.js';
import type { Heading } from './decide.js';
import type { SourceStatus } from './source.js';

export interface SourceView {
  id: string;
  projectId: string;
  userId: string;
  filename: string;
  fileType: SourceFileType;
  fileSize: number;
  /** where the file is in object storage (the spec's `s3_key`) */
  storageKey: string;
  status: SourceStatus;
  errorMessage: string | null;
  /** where the extracted text is, once parsed */
  textKey: string | null;
  characters: number | null;
  wordCount: number | null;
  pageCount: number | null;
  headings: Heading[];
  rowCount: number | null;
  metadata: Record<string, string>;
  /** the source's `document_parsing` job */
  jobId: string;
  createdAt: string;
  updatedAt: string;
  parsedAt: string | null;
}

interface SourceRow {
  id: string;
  project_id: string;
  user_id: string;
  filename: string;
  file_type: SourceFileType;
  file_size: string;
  storage_key: string;
  status: SourceStatus;
  error_message: string | null;
  text_key: string | null;
  characters: number | null;
  word_count: number | null;
  page_count: number | null;
  headings: Heading[];
  row_count: number | null;
  metadata: Record<string, string>;
  job_id: string;
  created_at: Date;
  updated_at: Date;
  parsed_at: Date | null;
}

const toView = (row: SourceRow): SourceView => ({
  id: row.id,
  projectId: row.project_id,
  userId: row.user_id,
  filename: row.filename,
  fileType: row.file_type,
  fileSize: Number(row.file_size),
  storageKey: row.storage_key,
  status: row.status,
  errorMessage: row.error_message,
  textKey: row.text_key,
  characters: row.characters,
  wordCount: row.word_count,
  pageCount: row.page_count,
  headings: row.headings,
  rowCount: row.row_count,
  metadata: row.metadata,
  jobId: row.job_id,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
  parsedAt: row.parsed_at?.toISOString() ?? null,
});

/** The user's source, or undefined for a missing one and for another user's (they look alike). */
export async function findSource(
  content: Content,
  userId: string,
  sourceId: string,
): Promise<SourceView | undefined> {
  const rows: SourceRow[] = await content.dataSource.query(
    `select * from sources where id = $1 and user_id = $2`,
    [sourceId, userId],
  );
  return rows[0] && toView(rows[0]);
}

/** The storage keys of a project's sources, for removing their files once the project is deleted. */
export async function storageKeysOfProject(content: Content, projectId: string): Promise<string[]> {
  const rows: { storage_key: string }[] = await content.dataSource.query(
    `select storage_key from sources where project_id = $1`,
    [projectId],
  );
  return rows.map((row) => row.storage_key);
}

export interface SourceFilter {
  status?: SourceStatus;
  fileType?: SourceFileType;
  limit: number;
  offset: number;
}

/** A page of a project's sources, newest first, and how many match. The caller checked the project. */
export async function listSources(
  content: Content,
  userId: string,
  projectId: string,
  filter: SourceFilter,
): Promise<{ items: SourceView[]; total: number }> {
  const where = `project_id = $1 and user_id = $2 and ($3::text is null or status = $3) and ($4::text is null or file_type = $4)`;
  const args = [projectId, userId, filter.status ?? null, filter.fileType ?? null];
  const [rows, count]: [SourceRow[], { total: string }[]] = await Promise.all([
    content.dataSource.query(
      `select * from sources where ${where} order by created_at desc, id desc limit $5 offset $6`,
      [...args, filter.limit, filter.offset],
    ),
    content.dataSource.query(`select count(*) as total from sources where ${where}`, args),
  ]);
  return { items: rows.map(toView), total: Number(count[0]!.total) };
}

/** What parsing extracted, as stored beside the file (`textKey`). */
export interface ParsedContent {
  text: string;
  rows: Record<string, string>[] | null;
}

export async function parsedContentOf(content: Content, source: SourceView): Promise<ParsedContent | null> {
  if (source.status !== 'parsed' || !source.textKey) return null;
  return JSON.parse((await content.objects.get(source.textKey)).toString('utf8')) as ParsedContent;
}

export interface SourceText {
  sourceId: string;
  filename: string;
  fileType: SourceFileType;
  status: 'parsed';
  text: string;
  headings: Heading[];
  wordCount: number;
  /** CSV sources: the data rows by lower-cased column name (bulk generation reads `topic`, `voice`, ...) */
  rows: Record<string, string>[] | null;
}

/**
 * The extracted texts that generation works from, in the order asked. Each source must be the
 * user's and in this project (else 404 NOT_FOUND) and parsed (else 400 INVALID_SOURCE: still
 * parsing, or failed with PARSING_FAILED's message).
 */
export async function sourceTextsFor(
  content: Content,
  projectId: string,
  sourceIds: readonly string[],
  userId: string,
): Promise<SourceText[]> {
  const rows: SourceRow[] = sourceIds.length
    ? await content.dataSource.query(
        `select * from sources where id = any($1) and user_id = $2 and project_id = $3`,
        [[...new Set(sourceIds)], userId, projectId],
      )
    : [];
  const byId = new Map(rows.map((row) => [row.id, toView(row)]));
  const views = sourceIds.map((id) => {
    const view = byId.get(id);
    if (!view) throw notFound('source');
    if (view.status !== 'parsed')
      throw validationError(
        view.status === 'failed'
          ? `source ${id} failed to parse: ${view.errorMessage ?? 'unknown error'}`
          : `source ${id} is not ready (${view.status}); poll it until its status is parsed`,
        { reason: 'INVALID_SOURCE' },
      );
    return view;
  });
  return Promise.all(
    views.map(async (view) => {
      const parsed = (await parsedContentOf(content, view))!;
      return {
        sourceId: view.id,
        filename: view.filename,
        fileType: view.fileType,
        status: 'parsed' as const,
        text: parsed.text,
        headings: view.headings,
        wordCount: view.wordCount ?? 0,
        rows: parsed.rows,
      };
    }),
  );
}
