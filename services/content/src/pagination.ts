import { validationError } from '@seren/service-kit/errors';

export interface Page {
  limit: number;
  offset: number;
}

/**
 * A page of a list, checked here (the service), not at the edge, so REST and GraphQL refuse alike:
 * `limit` 1..max (the spec's default when absent), `offset` ≥ 0 (0 when absent).
 */
export function pageOf(
  input: { limit?: number | null; offset?: number | null },
  bounds: { defaultLimit: number; maxLimit: number },
): Page {
  const limit = input.limit ?? bounds.defaultLimit;
  const offset = input.offset ?? 0;
  if (!Number.isInteger(limit) || limit < 1 || limit > bounds.maxLimit)
    throw validationError(`limit must be an integer from 1 to ${bounds.maxLimit}`);
  if (!Number.isInteger(offset) || offset < 0) throw validationError('offset must be a non-negative integer');
  return { limit, offset };
}
