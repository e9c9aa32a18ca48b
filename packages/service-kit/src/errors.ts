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

/**
 * What a DomainError carries besides its code: product-specific detail (a Serelo error code, the
 * fields that failed validation) and, where callers must tell cases apart, a `reason`. A service
 * names its reasons as a string union and uses `domainErrorsOf<Reason>()`, so a misspelt reason is a
 * compile error and tests can match it.
 */
export type DomainErrorDetails<Reason extends string = string> = { reason?: Reason } & Record<
  string,
  unknown
>;

// This module imports nothing: decide.ts files and Temporal workflow code (bundled into the
// deterministic sandbox) load it as `@seren/service-kit/errors` without fastify, typeorm or Temporal.
export class DomainError<Reason extends string = string> extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails<Reason> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /** why, where the code alone does not say (e.g. `EMAIL_EXISTS` for a CONFLICT) */
  get reason(): Reason | undefined {
    return this.details.reason;
  }
}

type Details = DomainErrorDetails;

export const notFound = (what: string, details?: Details) =>
  new DomainError('NOT_FOUND', `${what} not found`, details);
export const forbidden = (message = 'forbidden', details?: Details) =>
  new DomainError('FORBIDDEN', message, details);
export const unauthenticated = (message = 'authentication required', details?: Details) =>
  new DomainError('UNAUTHENTICATED', message, details);
export const conflict = (message: string, details?: Details) => new DomainError('CONFLICT', message, details);
export const validationError = (message: string, details?: Details) =>
  new DomainError('VALIDATION_ERROR', message, details);
export const quotaExceeded = (message: string, details?: Details) =>
  new DomainError('QUOTA_EXCEEDED', message, details);
export const paymentRequired = (message: string, details?: Details) =>
  new DomainError('PAYMENT_REQUIRED', message, details);
export const rateLimited = (message: string, details?: Details) =>
  new DomainError('RATE_LIMITED', message, details);

/**
 * The constructors above, with `reason` typed as the service's own union:
 *
 *     type CrmReason = 'CONTACT_EXISTS' | 'INVALID_PHONE';
 *     export const crmErrors = domainErrorsOf<CrmReason>();
 *     throw crmErrors.conflict('a contact with this email exists', { reason: 'CONTACT_EXISTS' });
 */
export function domainErrorsOf<Reason extends string>() {
  type D = DomainErrorDetails<Reason>;
  const make = (code: DomainErrorCode, message: string, details?: D) =>
    new DomainError<Reason>(code, message, details);
  return {
    notFound: (what: string, details?: D) => make('NOT_FOUND', `${what} not found`, details),
    forbidden: (message = 'forbidden', details?: D) => make('FORBIDDEN', message, details),
    unauthenticated: (message = 'authentication required', details?: D) =>
      make('UNAUTHENTICATED', message, details),
    conflict: (message: string, details?: D) => make('CONFLICT', message, details),
    validationError: (message: string, details?: D) => make('VALIDATION_ERROR', message, details),
    quotaExceeded: (message: string, details?: D) => make('QUOTA_EXCEEDED', message, details),
    paymentRequired: (message: string, details?: D) => make('PAYMENT_REQUIRED', message, details),
    rateLimited: (message: string, details?: D) => make('RATE_LIMITED', message, details),
    /** true when `error` is a DomainError with this reason */
    is: (error: unknown, reason: Reason): error is DomainError<Reason> =>
      isDomainError(error) && error.details.reason === reason,
  };
}

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
