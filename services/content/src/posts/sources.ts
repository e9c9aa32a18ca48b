import type { Content } from '../application.js';
import { sourceTextsFor, type SourceText } from '../sources/queries.js';

export type { SourceText };

/**
 * What generation reads of the project's sources: their parsed text and headings (sources/, the
 * feature that uploads and parses them, answers it). Each id must be the user's source in this
 * project (else 404 NOT_FOUND) and parsed (else 400 INVALID_SOURCE).
 */
export interface SourceTexts {
  textsOf(projectId: string, userId: string, sourceIds: readonly string[]): Promise<SourceText[]>;
}

export const sourceTextsOf = (content: Content): SourceTexts => ({
  textsOf: (projectId, userId, sourceIds) => sourceTextsFor(content, projectId, sourceIds, userId),
});
