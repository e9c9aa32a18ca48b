import type { SourceFileType } from '@seren/contracts';
import { domainErrorsOf } from '@seren/service-kit/errors';

export type UploadReason = 'FILE_TOO_LARGE' | 'UNSUPPORTED_FILE_TYPE' | 'FILE_MISSING';
const errors = domainErrorsOf<UploadReason>();

/** The spec's limit: 20 MB per file. */
export const MAX_SOURCE_BYTES = 20 * 1024 * 1024;

const PDF_MAGIC = Buffer.from('%PDF-');
const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
// A Word document is a zip (OOXML) holding these entries; their names are stored uncompressed in
// each local header and again in the central directory, so they can be spotted as the bytes pass.
const DOCX_ENTRIES = ['[Content_Types].xml', 'word/document.xml'].map((name) => Buffer.from(name));
const LONGEST_ENTRY = Math.max(...DOCX_ENTRIES.map((e) => e.length));

const TEXT_EXTENSIONS: Record<string, SourceFileType> = {
  md: 'md',
  markdown: 'md',
  txt: 'txt',
  text: 'txt',
  csv: 'csv',
};

/**
 * Learns a file's type from its bytes as they stream past (nothing is kept but the first bytes and
 * a short overlap): PDF by its `%PDF-` header, DOCX as a zip holding `word/document.xml`, and text
 * (Markdown, plain text, CSV) as valid UTF-8 without NUL bytes, told apart by the extension. The
 * extension must agree with the content: a renamed executable or spreadsheet is refused.
 */
export class FileInspector {
  size = 0;
  private head = Buffer.alloc(0);
  private tail = Buffer.alloc(0);
  private readonly seen = DOCX_ENTRIES.map(() => false);
  private utf8 = true;
  private nul = false;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });

  inspect(chunk: Buffer): void {
    this.size += chunk.length;
    if (this.head.length < 8) this.head = Buffer.concat([this.head, chunk.subarray(0, 8 - this.head.length)]);
    if (this.utf8) {
      if (chunk.includes(0)) this.nul = true;
      try {
        this.decoder.decode(chunk, { stream: true });
      } catch {
        this.utf8 = false;
      }
    }
    if (this.head.subarray(0, 4).equals(ZIP_MAGIC)) {
      const window = Buffer.concat([this.tail, chunk]);
      DOCX_ENTRIES.forEach((entry, i) => {
        if (!this.seen[i] && window.includes(entry)) this.seen[i] = true;
      });
      this.tail = window.subarray(Math.max(0, window.length - LONGEST_ENTRY));
    }
  }

  /** The file's type, or UNSUPPORTED_FILE_TYPE (400) naming why. */
  typeOf(filename: string): SourceFileType {
    const extension = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase() ?? '';
    const refuse = (why: string) =>
      errors.validationError(`unsupported file type: ${why} (PDF, DOCX, Markdown, plain text or CSV)`, {
        reason: 'UNSUPPORTED_FILE_TYPE',
      });
    if (this.size === 0) throw refuse('the file is empty');
    const content = this.contentKind();
    if (content === 'pdf' || content === 'docx') {
      if (extension !== content)
        throw refuse(`the content is ${content.toUpperCase()} but the name ends in .${extension}`);
      return content;
    }
    if (content === 'text') {
      const type = TEXT_EXTENSIONS[extension];
      if (!type) throw refuse(`a text file must be named .md, .txt or .csv, not .${extension || '(none)'}`);
      return type;
    }
    throw refuse(content === 'zip' ? 'a zip archive that is not a Word document' : 'binary content');
  }

  private contentKind(): 'pdf' | 'docx' | 'zip' | 'text' | 'binary' {
    if (this.head.subarray(0, PDF_MAGIC.length).equals(PDF_MAGIC)) return 'pdf';
    if (this.head.subarray(0, 4).equals(ZIP_MAGIC)) return this.seen.every(Boolean) ? 'docx' : 'zip';
    if (this.utf8 && !this.nul) {
      try {
        this.decoder.decode(); // an incomplete sequence at the very end
        return 'text';
      } catch {
        return 'binary';
      }
    }
    return 'binary';
  }
}

export const fileTooLarge = () =>
  errors.validationError('file exceeds the 20 MB limit', { reason: 'FILE_TOO_LARGE' });
export const malformedForm = (why: string) =>
  errors.validationError(`the multipart/form-data body cannot be read: ${why}`, { reason: 'FILE_MISSING' });
export const fileMissing = () =>
  errors.validationError('the form must carry the file in a part named "file"', { reason: 'FILE_MISSING' });
