import type { EventMetadata } from '@seren/event-store';
import type { RequestContext } from './server.js';

/** The parts of a request an event records: who called, in which organization, from where. */
export type RequestOrigin = Pick<RequestContext, 'caller'> &
  Partial<Pick<RequestContext, 'requestId' | 'traceparent' | 'clientIp' | 'userAgent'>>;

/**
 * The metadata every service appends with its events, built the same way everywhere: the actor
 * (`<kind>:<id>`, or `anonymous`), the request id as correlation id, trace context, the caller's
 * organization, and the client's address and user agent. The audit log (identity) reads these from
 * the CloudEvents headers of any service's events. Absent values are left out, not stored as null.
 */
export function eventMetadataOf(
  request: RequestOrigin,
  extra: { actor?: string; organizationId?: string } = {},
): EventMetadata {
  const { caller } = request;
  const metadata: EventMetadata = {
    actor: extra.actor ?? (caller.subject ? `${caller.kind}:${caller.subject}` : 'anonymous'),
    correlationId: request.requestId,
    traceparent: request.traceparent,
    organizationId: extra.organizationId ?? caller.organizationId,
    ipAddress: request.clientIp,
    userAgent: request.userAgent,
  };
  for (const key of Object.keys(metadata) as (keyof EventMetadata)[])
    if (metadata[key] === undefined) delete metadata[key];
  return metadata;
}
