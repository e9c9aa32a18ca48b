import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Content } from '../application.js';
import { ParseFailure } from './parsers.js';
import { beginParsing, extractSource, recordParsingFailed } from './service.js';

/** The parsing workflow's activities, made from the application context. */
export function sourceActivities(content: Content) {
  return {
    beginParsing: (sourceId: string, jobId: string) => beginParsing(content, sourceId, jobId),
    extractSource: async (sourceId: string, jobId: string) => {
      // Parsing a large file takes a while: the heartbeat lets Temporal notice a dead worker within
      // the heartbeat timeout and hand the attempt to another, instead of waiting out the attempt.
      // The parse runs on a parser thread, so nothing holds up the beats.
      const context = Context.current();
      content.logger.debug(
        { sourceId, waitedMs: Date.now() - context.info.currentAttemptScheduledTimestampMs },
        'parsing started',
      );
      const beat = setInterval(() => context.heartbeat(), 1_000);
      try {
        // a cancelled activity (its project deleted) stops its parse on the thread too
        return await extractSource(content, sourceId, jobId, context.cancellationSignal);
      } catch (error) {
        // A document the parser cannot read fails the same way every time: no retry.
        if (error instanceof ParseFailure)
          throw ApplicationFailure.nonRetryable(error.message, 'ParseFailure');
        throw error;
      } finally {
        clearInterval(beat);
      }
    },
    recordParsingFailed: (sourceId: string, jobId: string, errorMessage: string) =>
      recordParsingFailed(content, sourceId, jobId, errorMessage),
  };
}

export type SourceActivities = ReturnType<typeof sourceActivities>;
