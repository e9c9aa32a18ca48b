import { validationError } from '@seren/service-kit/errors';
import type { z } from 'zod';

// Identity's input schemas live in @seren/contracts (identity/inputs.ts), where the gateway's REST
// rows take them from for their request schemas: one rule, documented in OpenAPI and enforced here.

/** Parses one field with its schema; a 400 VALIDATION_ERROR naming the field otherwise. */
export function valid<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw validationError(result.error.issues[0]?.message ?? `${field} is invalid`, {
    reason: 'VALIDATION_ERROR',
    field,
  });
}

/** Like {@link valid}, for an optional field: absent or null stays undefined. */
export function validOptional<T>(schema: z.ZodType<T>, value: unknown, field: string): T | undefined {
  return value === undefined || value === null ? undefined : valid(schema, value, field);
}
