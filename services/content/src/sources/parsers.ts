// The text of a source, extracted by format: unpdf (PDF.js) for PDF, mammoth for DOCX, csv-parse
// for CSV, marked's lexer for Markdown headings. Pure functions of the file's bytes: the parsing
// workflow's activity reads the file, calls `parseDocument`, and records what it returns.
import type { SourceFileType } from '@seren/contracts';
import { parse as parseCsv } from 'csv-parse/sync';
import mammoth from 'mammoth';
import { marked } from 'marked';
import { extractText, getDocumentProxy } from 'unpdf';
import type { Heading } from './decide.js';

export interface ParsedDocument {
  text: string;
  wordCount: number;
  /** PDF: its pages; null for formats without pages (DOCX is paginated only when laid out) */
  pageCount: number | null;
  headings: Heading[];
  /** CSV only: each data row by its header's column names */
  rows: Record<string, string>[] | null;
}

/** A document the parser could not read: the workflow fails the source with this message, no retry. */
export class ParseFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseFailure';
  }
}

const MAX_HEADING_LENGTH = 300;

const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
/** ' ’ . _ - : inside a word they join its parts (l’été, x.y, don't, e-mail) */
const JOINERS = new Set([0x27, 0x2019, 0x2e, 0x5f, 0x2d]);

/**
 * The words of a text: runs that start with a letter or digit (any script) and go on through
 * letters, digits and joiners — what `/[\p{L}\p{N}][\p{L}\p{N}'’._-]*\/gu` matches, counted in one
 * pass without building the list of matches (5x faster on a 20 MB text, and no garbage).
 */
export function countWords(text: string): number {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    let wordChar: boolean;
    if (code < 128) {
      wordChar = (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
    } else {
      const pair = code >= 0xd800 && code <= 0xdbff && i + 1 < text.length;
      wordChar = LETTER_OR_DIGIT.test(pair ? text.slice(i, i + 2) : text[i]!);
      if (pair && wordChar) i++; // both halves of one letter
    }
    if (wordChar) {
      if (!inWord) count++;
      inWord = true;
    } else if (!(inWord && JOINERS.has(code))) {
      inWord = false;
    }
  }
  return count;
}

export async function parseDocument(fileType: SourceFileType, bytes: Buffer): Promise<ParsedDocument> {
  switch (fileType) {
    case 'pdf':
      return parsePdf(bytes);
    case 'docx':
      return parseDocx(bytes);
    case 'md':
      return parseMarkdown(decodeText(bytes));
    case 'txt':
      return finish(decodeText(bytes), null, []);
    case 'csv':
      return parseCsvSource(decodeText(bytes));
    default: {
      const unknown: never = fileType;
      throw new ParseFailure(`no parser for ${String(unknown)}`);
    }
  }
}

function finish(
  text: string,
  pageCount: number | null,
  headings: Heading[],
  rows: ParsedDocument['rows'] = null,
) {
  const trimmed = text.replace(/\r\n?/g, '\n').trim();
  if (trimmed === '') throw new ParseFailure('no text found in the file');
  return {
    text: trimmed,
    wordCount: countWords(trimmed),
    pageCount,
    headings: headings
      .map((h) => ({ depth: h.depth, text: h.text.trim().slice(0, MAX_HEADING_LENGTH) }))
      .filter((h) => h.text !== ''),
    rows,
  };
}

function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ParseFailure('the file is not valid UTF-8 text');
  }
}

async function parsePdf(bytes: Buffer): Promise<ParsedDocument> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // PDF.js takes ownership of (detaches) the array it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    const { name, message } = error as Error;
    if (name === 'PasswordException')
      throw new ParseFailure('the PDF is encrypted (password-protected) and cannot be read');
    throw new ParseFailure(`the PDF could not be read: ${message || name}`);
  }
  try {
    const { totalPages, text } = await extractText(pdf, { mergePages: true });
    const headings: Heading[] = [];
    const walk = (items: Outline | null, depth: number) => {
      for (const item of items ?? []) {
        if (headings.length >= 500) return;
        headings.push({ depth: Math.min(depth, 6), text: item.title });
        walk(item.items, depth + 1);
      }
    };
    walk((await pdf.getOutline().catch(() => null)) as Outline | null, 1);
    if (text.trim() === '')
      throw new ParseFailure(
        'no text found in the PDF (a scanned image? only text-based PDFs are supported)',
      );
    return finish(text, totalPages, headings);
  } catch (error) {
    if (error instanceof ParseFailure) throw error;
    throw new ParseFailure(`the PDF could not be read: ${(error as Error).message}`);
  } finally {
    await pdf.loadingTask.destroy().catch(() => undefined);
  }
}

type Outline = Array<{ title: string; items: Outline | null }>;

async function parseDocx(bytes: Buffer): Promise<ParsedDocument> {
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: bytes },
      // images are not text: skip them rather than inline them as base64
      { convertImage: mammoth.images.imgElement(async () => ({ src: '' })), externalFileAccess: false },
    );
    html = result.value;
  } catch (error) {
    throw new ParseFailure(`the DOCX could not be read: ${(error as Error).message}`);
  }
  const headings: Heading[] = [];
  for (const match of html.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)) {
    headings.push({ depth: Number(match[1]), text: htmlToText(match[2]!) });
  }
  const text = htmlToText(html.replace(/<\/(p|h[1-6]|li|tr|table)>/g, '\n\n').replace(/<br\s*\/?>/g, '\n'));
  // A DOCX has no pages until a word processor lays it out: its page count is unknown (null).
  return finish(text.replace(/\n{3,}/g, '\n\n'), null, headings);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function htmlToText(html: string): string {
  return html.replace(/<[^>]+>/g, '').replace(/&(#\d+|#x[\da-f]+|\w+);/gi, (entity, name: string) => {
    if (ENTITIES[name] !== undefined) return ENTITIES[name];
    if (name.startsWith('#x')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    return entity;
  });
}

function parseMarkdown(source: string): ParsedDocument {
  const headings: Heading[] = [];
  for (const token of marked.lexer(source)) {
    if (token.type === 'heading') headings.push({ depth: token.depth as number, text: token.text as string });
  }
  return finish(source, null, headings);
}

function parseCsvSource(source: string): ParsedDocument {
  let rows: Record<string, string>[];
  try {
    rows = parseCsv(source, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: true,
    }) as Record<string, string>[];
  } catch (error) {
    throw new ParseFailure(`the CSV could not be read: ${(error as Error).message}`);
  }
  if (rows.length === 0) throw new ParseFailure('the CSV has a header but no rows');
  return finish(source, null, [], rows);
}
