import { requireAuthenticated, unauthenticated, type RequestOrigin } from '@seren/service-kit';

/**
 * What the application layer knows about a request: who calls, from where. The audit log reads
 * these from the events' metadata (actor, organization, client address and user agent).
 * service-kit's `resolver` builds it from each GraphQL request (`requestInfoOf`).
 */
export type RequestInfo = RequestOrigin;

/** The calling user's or agent's id; 401 for anonymous callers. */
export function callerUserId(request: RequestInfo): string {
  const { caller } = request;
  requireAuthenticated(caller);
  if (caller.kind !== 'user' && caller.kind !== 'agent') throw unauthenticated();
  return caller.subject;
}
