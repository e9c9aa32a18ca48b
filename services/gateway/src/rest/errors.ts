import type { ZodError } from 'zod';
import type { RestError, RouteDefinition } from './types.js';

/** Thrown by a route's mapping to answer with a product error (e.g. a null result → 404). */
export class RestFailure extends Error {
  constructor(readonly error: RestError) {
    super(error.message);
    this.name = 'RestFailure';
  }
}

export const fail = (
  status: number,
  code: string,
  message: string,
  extra?: Record<string, unknown>,
): never => {
  throw new RestFailure({ status, code, message, extra });
};

/** A zod failure as one readable line: `body.email: Invalid email address; body.name: Too small`. */
export function describeZodError(where: string, error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${[where, ...issue.path.map(String)].join('.')}: ${issue.message}`)
    .join('; ');
}

/** Every issue of a zod failure as a field and its problem: `{field: 'body.email', message: 'Invalid email address'}`. */
export function fieldsOfZodError(where: string, error: ZodError): { field: string; message: string }[] {
  return error.issues.map((issue) => ({
    field: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

/** The product error code a subgraph chose: `extensions.reason` (or `errorCode`), e.g. `EMAIL_EXISTS`. */
export function productCodeOf(extensions: Record<string, unknown> | undefined): string | undefined {
  const code = extensions?.reason ?? extensions?.errorCode;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/**
 * The error statuses a row documents: its own, 401 when it reads a credential (an optional one may
 * still be refused), and on every row 400 (the edge refuses a URL that is not valid percent-encoding,
 * a NUL or lone surrogate in any parameter, a body that is not UTF-8), 429, 431 (headers over
 * 16 KiB, from the HTTP layer) and 500; 413 with a body, 414 with path parameters (one over 100
 * characters). The engine checks answers against the same set in tests.
 */
export function documentedErrorStatuses(route: RouteDefinition): Set<number> {
  const statuses = new Set([
    ...(route.errors ?? []),
    ...(route.auth !== 'none' ? [401] : []),
    400,
    429,
    431,
    500,
  ]);
  if (route.request?.body) statuses.add(413);
  if (route.path.includes('{')) statuses.add(414);
  return statuses;
}
