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

/** The product error code a subgraph chose: `extensions.reason` (or `errorCode`), e.g. `EMAIL_EXISTS`. */
export function productCodeOf(extensions: Record<string, unknown> | undefined): string | undefined {
  const code = extensions?.reason ?? extensions?.errorCode;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}

/**
 * The error statuses a row documents: its own, 400 when it validates a request part, 401 when it
 * reads a credential (an optional one may still be refused), and 429 and 500 on every row. The
 * engine checks answers against the same set in tests.
 */
export function documentedErrorStatuses(route: RouteDefinition): Set<number> {
  const statuses = new Set([...(route.errors ?? []), ...(route.auth !== 'none' ? [401] : []), 429, 500]);
  const request = route.request ?? {};
  if (request.body || request.params || request.query) statuses.add(400);
  return statuses;
}
