import { z } from 'zod';
import { defineEvent } from '../define.js';

// Serelo's sources (content service): an uploaded file of a project, parsed by a Temporal workflow.
// Stream: `source-<id>` (aggregate source). The file itself and the text extracted from it live in
// object storage; events name them by key, so no event carries a document (Kafka messages stay small).

const id = z.string().min(1);
const at = z.iso.datetime();

export const sourceFileTypes = ['pdf', 'docx', 'md', 'txt', 'csv'] as const;
export type SourceFileType = (typeof sourceFileTypes)[number];

export const SourceUploaded = defineEvent({
  type: 'SourceUploaded',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description:
    "A file was uploaded to a project and stored; its type was checked from its bytes. Parsing follows (a 'document_parsing' job).",
  schema: z.object({
    sourceId: id,
    projectId: id,
    userId: id,
    filename: z.string().min(1).max(255),
    fileType: z.enum(sourceFileTypes),
    fileSize: z.number().int().nonnegative(),
    /** where the file is in object storage */
    storageKey: z.string().min(1),
    jobId: id,
    uploadedAt: at,
  }),
});

export const SourceParsingStarted = defineEvent({
  type: 'SourceParsingStarted',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description: 'The parsing workflow began extracting the text of a source.',
  schema: z.object({ sourceId: id, startedAt: at }),
});

export const SourceParsed = defineEvent({
  type: 'SourceParsed',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description:
    'The text of a source was extracted: its word and page counts and headings; the text itself is in object storage at textKey.',
  schema: z.object({
    sourceId: id,
    textKey: z.string().min(1),
    characters: z.number().int().nonnegative(),
    wordCount: z.number().int().nonnegative(),
    pageCount: z.number().int().nonnegative().nullable(),
    headings: z.array(z.object({ depth: z.number().int().min(1).max(6), text: z.string() })).max(500),
    /** CSV sources: the data rows (header excluded) */
    rowCount: z.number().int().nonnegative().nullable(),
    parsedAt: at,
  }),
});

export const SourceParsingFailed = defineEvent({
  type: 'SourceParsingFailed',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description: "A source could not be parsed (corrupt, encrypted, empty...); errorMessage is the parser's.",
  schema: z.object({ sourceId: id, errorMessage: z.string().min(1).max(1000), failedAt: at }),
});

export const SourceUpdated = defineEvent({
  type: 'SourceUpdated',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description: 'The filename or metadata of a source changed (only the fields given).',
  schema: z.object({
    sourceId: id,
    filename: z.string().min(1).max(255).optional(),
    /** free-form labels: at most 50, keys up to 100 and values up to 1,000 characters */
    metadata: z.record(z.string().min(1).max(100), z.string().max(1000)).optional(),
    updatedAt: at,
  }),
});

export const SourceDeleted = defineEvent({
  type: 'SourceDeleted',
  version: 1,
  domain: 'content',
  aggregate: 'source',
  description: 'A source was deleted with its stored file and extracted text; it cannot be undone.',
  schema: z.object({ sourceId: id, projectId: id, deletedAt: at }),
});

export const sourceEvents = [
  SourceUploaded,
  SourceParsingStarted,
  SourceParsed,
  SourceParsingFailed,
  SourceUpdated,
  SourceDeleted,
] as const;
