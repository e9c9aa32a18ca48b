// Bundled into Temporal's deterministic sandbox: no I/O here. The `document_parsing` job of one
// source: begin (source parsing, job processing), extract (the text stored, SourceParsed, job
// completed), or record the failure with the parser's message.
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { SourceActivities } from './activities.js';

const { beginParsing, recordParsingFailed } = proxyActivities<SourceActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '200 milliseconds', maximumAttempts: 10 },
});

const { extractSource } = proxyActivities<SourceActivities>({
  startToCloseTimeout: '5 minutes',
  // The parse runs on a parser thread, so the activity beats every second even on a 20 MB file;
  // 10 s leaves room for a loaded machine's pauses, and a dead worker is noticed in 10 s.
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    maximumAttempts: 3,
    nonRetryableErrorTypes: ['ParseFailure'],
  },
});

export interface ParseSourceInput {
  sourceId: string;
  jobId: string;
}

export type ParseSourceResult =
  | { status: 'parsed'; wordCount: number; pageCount: number | null; headings: number }
  | { status: 'failed'; errorMessage: string };

export async function parseSource(input: ParseSourceInput): Promise<ParseSourceResult> {
  await beginParsing(input.sourceId, input.jobId);
  try {
    const summary = await extractSource(input.sourceId, input.jobId);
    return { status: 'parsed', ...summary };
  } catch (error) {
    // cancelled (its project was deleted): the canceller records the job; nothing is left to record here
    if (isCancellation(error)) throw error;
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const errorMessage =
      cause instanceof ApplicationFailure || cause instanceof Error ? cause.message : 'parsing failed';
    await recordParsingFailed(input.sourceId, input.jobId, errorMessage);
    return { status: 'failed', errorMessage };
  }
}
