import { z } from 'zod';
import { routeBuilder } from '../types.js';

/** SerenAI's row builders: `route.operation({...})`, `route.forward({...})`. */
export const route = routeBuilder<'serenai'>();

/** SerenAI's success body: `{data, pagination}` (the spec's `DataResponse_*` types). */
export function dataResponse<T>(data: T, pagination: Pagination | null = null) {
  return { data, pagination };
}

export interface Pagination {
  total: number;
  limit: number;
  offset: number;
}

/** The schema of a `DataResponse` around `data`. */
export const dataResponseSchema = <T extends z.ZodType>(data: T) =>
  z.object({
    data,
    pagination: z
      .object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int() })
      .nullable(),
  });
