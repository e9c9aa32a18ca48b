import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import type { SourceFileType } from '@seren/contracts';
import Piscina from 'piscina';
import type { ParseAnswer, ParseTask } from './parse-worker.js';
import { ParseFailure, type ParsedDocument } from './parsers.js';

/**
 * Parses documents on worker threads (piscina), not on the service's event loop: PDF.js and mammoth
 * hold a thread for seconds on a large file, and on the event loop that would stall the activity's
 * heartbeats, the worker's other tasks and the service's HTTP answers for as long. Each thread keeps
 * the parsers loaded between files.
 */
export interface DocumentParser {
  /** the document's text; throws ParseFailure for a file the parser cannot read */
  parse(fileType: SourceFileType, bytes: Buffer, signal?: AbortSignal): Promise<ParsedDocument>;
  threads: number;
  close(): Promise<void>;
}

// Compiled, the thread runs ./parse-worker.js beside this file. From the TypeScript sources (jest,
// the benchmarks) it runs ./parse-worker.ts through the repository's TypeScript loader, as the child
// processes of the tests do.
const compiled = join(__dirname, 'parse-worker.js');
const typescriptLoader = resolve(__dirname, '../../../../packages/event-store/src/test-support/register.js');

export function documentParserOf(env: Record<string, string | undefined>): DocumentParser {
  const threads = threadsOf(env.PARSER_THREADS);
  const fromSources = !existsSync(compiled);
  const pool = new Piscina<ParseTask, ParseAnswer>({
    filename: fromSources ? join(__dirname, 'parse-worker.ts') : compiled,
    execArgv: fromSources ? ['--require', typescriptLoader] : [],
    minThreads: 0,
    maxThreads: threads,
    // a thread that parsed nothing for a minute goes (its parsers' memory with it)
    idleTimeout: 60_000,
  });
  return {
    threads,
    async parse(fileType, bytes, signal) {
      // the thread gets the bytes without a copy when they have an ArrayBuffer of their own (a
      // large file's); a small Buffer lives in Node's shared pool, which cannot move: copied
      const view =
        bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
          ? new Uint8Array(bytes.buffer, 0, bytes.byteLength)
          : new Uint8Array(bytes);
      const answer = await pool.run(
        { fileType, bytes: view },
        { transferList: [view.buffer as ArrayBuffer], signal: signal ?? null },
      );
      if ('failure' in answer) throw new ParseFailure(answer.failure);
      return answer.parsed;
    },
    close: () => pool.destroy(),
  };
}

function threadsOf(value: string | undefined): number {
  if (value === undefined || value === '') return Math.max(1, Math.min(2, availableParallelism() - 1));
  const threads = Number(value);
  if (!Number.isInteger(threads) || threads < 1 || threads > 64)
    throw new Error(`PARSER_THREADS must be a whole number from 1 to 64, not ${value}`);
  return threads;
}
