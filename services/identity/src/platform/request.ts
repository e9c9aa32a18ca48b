import type { EventMetadata } from '@seren/event-store';
import { requireAuthenticated, unauthenticated, type Caller, type RequestContext } from '@seren/service-kit';

/**
 * What the application layer knows about a request: who calls, from where. The audit log reads
 * these from the events' metadata (actor, organization, client address and user agent).
 */
export interface RequestInfo {
  caller: Caller;
  requestId?: string;
  traceparent?: string;
  clientIp?: string;
  userAgent?: string;
}

export type AuditMetadata = EventMetadata & {
  organizationId?: string;
  ipAddress?: string;
  userAgent?: string;
};

export function requestInfoOf(context: RequestContext): RequestInfo {
  return {
    caller: context.caller,
    requestId: context.requestId,
    traceparent: context.traceparent,
    clientIp: context.clientIp,
    userAgent: context.userAgent,
  };
}

export function metadataOf(
  request: RequestInfo,
  extra: { actor?: string; organizationId?: string } = {},
): AuditMetadata {
  const { caller } = request;
  const metadata: AuditMetadata = {
    actor: extra.actor ?? (caller.subject ? `${caller.kind}:${caller.subject}` : 'anonymous'),
    correlationId: request.requestId,
    traceparent: request.traceparent,
    organizationId: extra.organizationId ?? caller.organizationId,
    ipAddress: request.clientIp,
    userAgent: request.userAgent,
  };
  // jsonb drops undefined anyway; keeping the object small keeps the Kafka headers small.
  for (const key of Object.keys(metadata) as (keyof AuditMetadata)[])
    if (metadata[key] === undefined) delete metadata[key];
  return metadata;
}

/** The calling user's or agent's id; 401 for anonymous callers. */
export function callerUserId(request: RequestInfo): string {
  const { caller } = request;
  requireAuthenticated(caller);
  if (caller.kind !== 'user' && caller.kind !== 'agent') throw unauthenticated();
  return caller.subject;
}
