// The entry of the parser threads (./parser-pool.ts): parses one file per task, off the service's
// event loop. A ParseFailure does not survive the trip between threads as itself (only its message
// would), so the answer says which of the two it is.
import type { SourceFileType } from '@seren/contracts';
import { ParseFailure, parseDocument, type ParsedDocument } from './parsers.js';

export interface ParseTask {
  fileType: SourceFileType;
  /** the file's bytes, moved (not copied) to the thread */
  bytes: Uint8Array;
}

export type ParseAnswer = { parsed: ParsedDocument } | { failure: string };

export default async function parse({ fileType, bytes }: ParseTask): Promise<ParseAnswer> {
  try {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { parsed: await parseDocument(fileType, buffer) };
  } catch (error) {
    if (error instanceof ParseFailure) return { failure: error.message };
    throw error;
  }
}
