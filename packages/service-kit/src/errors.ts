/**
 * Typed domain errors. The application layer throws these; each adapter maps them to its surface:
 * GraphQL `extensions.code`, and each product's REST status and error body.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'FORBIDDEN'
  | 'UNAUTHENTICATED'
  | 'CONFLICT'
  | 'VALIDATION_ERROR'
  | 'QUOTA_EXCEEDED'
  | 'PAYMENT_REQUIRED'
  | 'RATE_LIMITED';

export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** Product-specific detail (e.g. a Serelo error code, the fields that failed validation). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string, details?: Record<string, unknown>) =>
  new DomainError('NOT_FOUND', `${what} not found`, details);
export const forbidden = (message = 'forbidden', details?: Record<string, unknown>) =>
  new DomainError('FORBIDDEN', message, details);
export const unauthenticated = (message = 'authentication required', details?: Record<string, unknown>) =>
  new DomainError('UNAUTHENTICATED', message, details);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new DomainError('CONFLICT', message, details);
export const validationError = (message: string, details?: Record<string, unknown>) =>
  new DomainError('VALIDATION_ERROR', message, details);
export const quotaExceeded = (message: string, details?: Record<string, unknown>) =>
  new DomainError('QUOTA_EXCEEDED', message, details);
export const paymentRequired = (message: string, details?: Record<string, unknown>) =>
  new DomainError('PAYMENT_REQUIRED', message, details);
export const rateLimited = (message: string, details?: Record<string, unknown>) =>
  new DomainError('RATE_LIMITED', message, details);

/** The HTTP status each code stands for, the default for REST adapters that have no special rule. */
export const httpStatusOf: Record<DomainErrorCode, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  VALIDATION_ERROR: 400,
  QUOTA_EXCEEDED: 403,
  PAYMENT_REQUIRED: 402,
  RATE_LIMITED: 429,
};

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
