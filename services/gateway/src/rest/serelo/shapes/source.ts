import { z } from 'zod';
import { graphql, readFragment, type FragmentOf } from '../../graphql.js';

// Serelo's source as Get Source and List Project Sources show it (the spec's fields, plus what
// parsing measured). The upload's 201 body is the content service's own (a forward).

export const SourceFields = graphql(`
  fragment SereloSource on Source {
    id
    projectId
    userId
    filename
    fileType
    fileSize
    storageKey
    status
    parsedText
    errorMessage
    wordCount
    pageCount
    headings {
      depth
      text
    }
    metadata {
      key
      value
    }
    jobId
    createdAt
    updatedAt
  }
`);

export const sourceStatus = z.enum(['uploaded', 'parsing', 'parsed', 'failed']);
export const sourceFileType = z.enum(['pdf', 'docx', 'md', 'txt', 'csv']);

export const sourceSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  user_id: z.string(),
  filename: z.string(),
  file_type: sourceFileType,
  file_size: z.number().int(),
  s3_key: z.string(),
  status: sourceStatus,
  parsed_text: z.string().nullable(),
  error_message: z.string().nullable(),
  word_count: z.number().int().nullable(),
  page_count: z.number().int().nullable(),
  headings: z.array(z.object({ depth: z.number().int(), text: z.string() })),
  metadata: z.record(z.string(), z.string()),
  job_id: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
});

export function sourceToRest(ref: FragmentOf<typeof SourceFields>): z.input<typeof sourceSchema> {
  const s = readFragment(SourceFields, ref);
  return {
    id: s.id,
    project_id: s.projectId,
    user_id: s.userId,
    filename: s.filename,
    file_type: sourceFileType.parse(s.fileType),
    file_size: s.fileSize,
    s3_key: s.storageKey,
    status: sourceStatus.parse(s.status),
    parsed_text: s.parsedText,
    error_message: s.errorMessage,
    word_count: s.wordCount,
    page_count: s.pageCount,
    headings: s.headings.map((h) => ({ depth: h.depth, text: h.text })),
    metadata: Object.fromEntries(s.metadata.map((m) => [m.key, m.value])),
    job_id: s.jobId,
    created_at: s.createdAt,
    updated_at: s.updatedAt,
  };
}

/** The 201 body of an upload, as the content service answers it. */
export const uploadedSourceSchema = z.object({
  id: z.string(),
  project_id: z.string(),
  user_id: z.string(),
  filename: z.string(),
  file_type: sourceFileType,
  file_size: z.number().int(),
  s3_key: z.string(),
  status: sourceStatus,
  job_id: z.string(),
  created_at: z.string(),
});
